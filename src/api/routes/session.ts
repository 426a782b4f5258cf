import { z } from 'zod';
import { secretsEqual } from '../auth.js';
import type { ApiContext } from '../context.js';
import { apiError } from '../errors.js';
import { defineRoute, type ApiRoute } from '../route.js';
import { clearedSessionCookie, sessionCookie, sessionIdOf } from '../sessions.js';

const SignIn = z.strictObject({ token: z.string().min(1).max(4096) });

/** The dashboard's sign-in: the token once, for a session cookie (see sessions.ts). */
export function sessionRoutes(ctx: ApiContext): ApiRoute[] {
  return [
    defineRoute({
      methods: ['GET'],
      path: '/api/v1/session',
      access: 'public',
      tag: 'session',
      summary: 'Whether this request is signed in (a valid session cookie or bearer token)',
      responses: { 200: '`{ signedIn, tokenRequired }`' },
      handle: ({ c }) => {
        const tokenRequired = ctx.auth.token !== undefined;
        const signedIn = !tokenRequired || ctx.sessions.valid(sessionIdOf(c.req.header('cookie')));
        return c.json({ signedIn, tokenRequired });
      },
    }),
    defineRoute({
      methods: ['POST'],
      path: '/api/v1/session',
      access: 'public',
      tag: 'session',
      summary: 'Sign in with the API token; answers with an HttpOnly, SameSite=Strict session cookie',
      body: SignIn,
      responses: { 204: 'Signed in; Set-Cookie carries the session', 401: 'The token is wrong' },
      handle: ({ c, body }) => {
        const { token } = ctx.auth;
        if (token === undefined) {
          throw apiError('token-required', 'sign-in needs an API token (--api-token or TIDEWATCH_API_TOKEN)');
        }
        if (!secretsEqual(token, body.token)) throw apiError('unauthorized', 'the token is wrong');
        const session = ctx.sessions.create();
        c.header('Set-Cookie', sessionCookie(session.id, session.maxAgeSeconds));
        return c.body(null, 204);
      },
    }),
    defineRoute({
      methods: ['DELETE'],
      path: '/api/v1/session',
      access: 'public',
      tag: 'session',
      summary: 'Sign out: the session is revoked and its cookie cleared',
      responses: { 204: 'Signed out' },
      handle: ({ c }) => {
        ctx.sessions.revoke(sessionIdOf(c.req.header('cookie')));
        c.header('Set-Cookie', clearedSessionCookie());
        return c.body(null, 204);
      },
    }),
  ];
}
