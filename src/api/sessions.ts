import { randomBytes } from 'node:crypto';
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { ApiRole } from '../store/index.js';

export const SESSION_COOKIE = 'tidewatch_session';
/** The header the dashboard sends with every change made through a session cookie. */
export const CSRF_HEADER = 'x-tidewatch-csrf';
const SESSION_TTL_MS = 12 * 60 * 60 * 1000;
const MAX_SESSIONS = 1000;

/**
 * Who a session is: the holder of the named token it was opened with, or the OIDC person, and the
 * role they act with. `name` is undefined for the shared --api-token, which is nobody in particular.
 */
export interface SessionPerson {
  readonly name?: string | undefined;
  readonly role: ApiRole;
}

/**
 * Dashboard sign-ins. The browser is given a random session id in an HttpOnly, SameSite=Strict
 * cookie, never the API token itself: a script on the page cannot read it, another site cannot
 * send it, and signing out revokes it. Sessions live in memory: a restart signs everyone out,
 * which costs a sign-in and keeps no credential on disk.
 */
export class Sessions {
  private readonly sessions = new Map<string, { readonly expiry: number; readonly person: SessionPerson }>();

  constructor(private readonly now: () => number = Date.now) {}

  create(person: SessionPerson): { readonly id: string; readonly maxAgeSeconds: number } {
    this.prune();
    if (this.sessions.size >= MAX_SESSIONS) {
      // The oldest goes: a flood of sign-ins cannot grow memory without bound.
      const oldest = this.sessions.keys().next().value;
      if (oldest !== undefined) this.sessions.delete(oldest);
    }
    const id = randomBytes(32).toString('base64url');
    this.sessions.set(id, { expiry: this.now() + SESSION_TTL_MS, person: { ...person } });
    return { id, maxAgeSeconds: SESSION_TTL_MS / 1000 };
  }

  /** The person of a live session; undefined for an unknown, revoked or expired id. */
  valid(id: string | undefined): SessionPerson | undefined {
    if (id === undefined) return undefined;
    const session = this.sessions.get(id);
    if (session === undefined) return undefined;
    if (session.expiry <= this.now()) {
      this.sessions.delete(id);
      return undefined;
    }
    return session.person;
  }

  revoke(id: string | undefined): void {
    if (id !== undefined) this.sessions.delete(id);
  }

  private prune(): void {
    const now = this.now();
    for (const [id, session] of this.sessions) if (session.expiry <= now) this.sessions.delete(id);
  }
}

// Hono's cookie helpers parse and write the header (hono/cookie): quoting, encoding and attributes
// are theirs, not a hand-written parser's.
const SESSION_COOKIE_OPTIONS = { path: '/', httpOnly: true, sameSite: 'Strict' } as const;

/** The session id the request's cookie carries, if any. */
export function sessionIdOf(c: Context): string | undefined {
  return getCookie(c, SESSION_COOKIE) || undefined;
}

/** Answers with the session's cookie: HttpOnly (no script reads it), SameSite=Strict (no other site sends it). */
export function setSessionCookie(c: Context, id: string, maxAgeSeconds: number): void {
  setCookie(c, SESSION_COOKIE, id, { ...SESSION_COOKIE_OPTIONS, maxAge: maxAgeSeconds });
}

export function clearSessionCookie(c: Context): void {
  deleteCookie(c, SESSION_COOKIE, SESSION_COOKIE_OPTIONS);
}
