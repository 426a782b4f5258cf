import { randomBytes } from 'node:crypto';

export const SESSION_COOKIE = 'tidewatch_session';
/** The header the dashboard sends with every change made through a session cookie. */
export const CSRF_HEADER = 'x-tidewatch-csrf';
const SESSION_TTL_MS = 12 * 60 * 60 * 1000;
const MAX_SESSIONS = 1000;

/**
 * Dashboard sign-ins. The browser is given a random session id in an HttpOnly, SameSite=Strict
 * cookie, never the API token itself: a script on the page cannot read it, another site cannot
 * send it, and signing out revokes it. Sessions live in memory: a restart signs everyone out,
 * which costs a sign-in and keeps no credential on disk.
 */
export class Sessions {
  private readonly expiries = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  create(): { readonly id: string; readonly maxAgeSeconds: number } {
    this.prune();
    if (this.expiries.size >= MAX_SESSIONS) {
      // The oldest goes: a flood of sign-ins cannot grow memory without bound.
      const oldest = this.expiries.keys().next().value;
      if (oldest !== undefined) this.expiries.delete(oldest);
    }
    const id = randomBytes(32).toString('base64url');
    this.expiries.set(id, this.now() + SESSION_TTL_MS);
    return { id, maxAgeSeconds: SESSION_TTL_MS / 1000 };
  }

  valid(id: string | undefined): boolean {
    if (id === undefined) return false;
    const expiry = this.expiries.get(id);
    if (expiry === undefined) return false;
    if (expiry <= this.now()) {
      this.expiries.delete(id);
      return false;
    }
    return true;
  }

  revoke(id: string | undefined): void {
    if (id !== undefined) this.expiries.delete(id);
  }

  private prune(): void {
    const now = this.now();
    for (const [id, expiry] of this.expiries) if (expiry <= now) this.expiries.delete(id);
  }
}

/** The session id of a Cookie header, if it carries one. */
export function sessionIdOf(cookieHeader: string | undefined): string | undefined {
  for (const part of (cookieHeader ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === SESSION_COOKIE) return value.join('=') || undefined;
  }
  return undefined;
}

export function sessionCookie(id: string, maxAgeSeconds: number): string {
  return `${SESSION_COOKIE}=${id}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}`;
}

export function clearedSessionCookie(): string {
  return `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`;
}
