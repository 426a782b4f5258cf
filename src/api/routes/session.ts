import { z } from 'zod';
import { holderOf, isGuarded } from '../auth.js';
import type { ApiContext } from '../context.js';
import { apiError } from '../errors.js';
import { defineRoute, type ApiRoute } from '../route.js';
import { clearSessionCookie, sessionIdOf, setSessionCookie } from '../sessions.js';

const SignIn = z.strictObject({ token: z.string().min(1).max(4096) });

/**
 * The dashboard's sign-in: a token once (the --api-token, or a named token), for a session cookie
 * that carries the token's holder and role (see sessions.ts). OIDC sign-in is in oidc.ts.
 */
export function sessionRoutes(ctx: ApiContext): ApiRoute[] {
  return [
    defineRoute({
      methods: ['GET'],
      path: '/api/v1/session',
      access: 'public',
      tag: 'session',
      summary: 'Whether this request is signed in, and as whom',
      description:
        '`name` is the person of the session (a named token holder or `oidc:<name>`; absent for the shared --api-token), `role` what they may do; `oidc` is `{ issuer }` when OIDC sign-in is configured.',
      responses: { 200: '`{ signedIn, tokenRequired, name?, role?, oidc? }`' },
      handle: ({ c }) => {
        const tokenRequired = isGuarded(ctx.auth);
        const person = ctx.sessions.valid(sessionIdOf(c));
        return c.json({
          signedIn: !tokenRequired || person !== undefined,
          tokenRequired,
          ...(person?.name !== undefined && { name: person.name }),
          ...(person !== undefined && { role: person.role }),
          ...(ctx.oidc !== undefined && { oidc: { issuer: ctx.oidc.issuer } }),
        });
      },
    }),
    defineRoute({
      methods: ['POST'],
      path: '/api/v1/session',
      access: 'public',
      tag: 'session',
      summary:
        'Sign in with the API token or a named token; answers with an HttpOnly, SameSite=Strict session cookie',
      body: SignIn,
      responses: { 204: 'Signed in; Set-Cookie carries the session', 401: 'The token is wrong' },
      handle: ({ c, body }) => {
        if (ctx.auth.token === undefined && ctx.auth.tokens?.any() !== true) {
          throw apiError(
            'token-required',
            'sign-in needs an API token (--api-token, TIDEWATCH_API_TOKEN or tidewatch token create)',
          );
        }
        const person = holderOf(ctx.auth, body.token);
        if (person === undefined) throw apiError('unauthorized', 'the token is wrong');
        const session = ctx.sessions.create(person);
        setSessionCookie(c, session.id, session.maxAgeSeconds);
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
        ctx.sessions.revoke(sessionIdOf(c));
        clearSessionCookie(c);
        return c.body(null, 204);
      },
    }),
  ];
}
