import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { z } from 'zod';
import { describeError } from '../../domain/errors.js';
import type { ApiContext } from '../context.js';
import { defineRoute, type ApiRoute } from '../route.js';
import { setSessionCookie } from '../sessions.js';

/**
 * Holds the pending sign-in's id between the redirect to the provider and its callback. Lax, not
 * Strict: the callback is a navigation from the provider's site, and a Strict cookie would not be
 * sent with it. It opens nothing by itself: it only names state kept in memory (oidc-sign-in.ts).
 */
const PENDING_COOKIE = 'tidewatch_oidc';
const PENDING_PATH = '/auth/oidc';

const PENDING_COOKIE_OPTIONS = { path: PENDING_PATH, httpOnly: true, sameSite: 'Lax' } as const;

/** The provider's answer: code, state, iss, or error and error_description; openid-client reads them. */
const CallbackQuery = z.record(z.string(), z.string());

/** Dashboard sign-in with OpenID Connect, served only with --oidc-issuer (docs/security.md). */
export function oidcRoutes(ctx: ApiContext): ApiRoute[] {
  const { oidc } = ctx;
  if (oidc === undefined) return [];
  // Back to the dashboard, which shows why a sign-in failed (views/sign-in.tsx).
  const failed = (reason: string): string => `/?signin-error=${encodeURIComponent(reason)}`;
  return [
    defineRoute({
      methods: ['GET'],
      path: `${PENDING_PATH}/login`,
      access: 'public',
      tag: 'session',
      summary: 'Starts a sign-in at the OIDC provider: redirects to its login page',
      responses: { 302: 'To the provider', 303: 'Back to the dashboard when the provider cannot be reached' },
      handle: async ({ c }) => {
        try {
          const { id, url } = await oidc.begin(c.req.url);
          setCookie(c, PENDING_COOKIE, id, { ...PENDING_COOKIE_OPTIONS, maxAge: 600 });
          return c.redirect(url, 302);
        } catch (error) {
          ctx.logger.warn({ issuer: oidc.issuer, reason: describeError(error) }, 'OIDC provider unreachable');
          return c.redirect(failed('the sign-in provider cannot be reached'), 303);
        }
      },
    }),
    defineRoute({
      methods: ['GET'],
      path: `${PENDING_PATH}/callback`,
      access: 'public',
      tag: 'session',
      summary: "The provider's redirect back: the code is exchanged, the ID token checked, a session opened",
      query: CallbackQuery,
      responses: { 303: 'To the dashboard, signed in, or with the reason it failed' },
      handle: async ({ c }) => {
        // Read once, then cleared: a pending sign-in is finished (or refused) exactly once.
        const pending = getCookie(c, PENDING_COOKIE) || undefined;
        deleteCookie(c, PENDING_COOKIE, PENDING_COOKIE_OPTIONS);
        let verdict;
        try {
          verdict = await oidc.finish(pending, c.req.url);
        } catch (error) {
          ctx.logger.warn({ issuer: oidc.issuer, reason: describeError(error) }, 'OIDC sign-in failed');
          return c.redirect(failed('the sign-in provider did not confirm who you are'), 303);
        }
        if (!verdict.ok) {
          ctx.logger.warn({ issuer: oidc.issuer, reason: verdict.reason }, 'OIDC sign-in refused');
          return c.redirect(failed(verdict.reason), 303);
        }
        const session = ctx.sessions.create(verdict.person);
        ctx.logger.info({ person: verdict.person.name, role: verdict.person.role }, 'signed in with OIDC');
        setSessionCookie(c, session.id, session.maxAgeSeconds);
        return c.redirect('/', 303);
      },
    }),
  ];
}
