import type { Hono, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { csrf } from 'hono/csrf';
import { secureHeaders } from 'hono/secure-headers';
import { getConnInfo } from '@hono/node-server/conninfo';
import { errorResponse } from './errors.js';
import { CSRF_HEADER, SESSION_COOKIE } from './sessions.js';
import { SignInLimit } from './sign-in-limit.js';

/**
 * Browser-facing protections, from Hono's maintained middleware rather than by hand:
 *
 * - secureHeaders on every answer: a strict Content-Security-Policy (only our own scripts, styles
 *   and API: an injected string can neither load nor send anything), nosniff, no referrer, no
 *   framing, and the cross-origin isolation headers. HSTS is left out: Tidewatch serves plain HTTP
 *   and a proxy that adds TLS decides that for its own name.
 * - csrf (Hono's Origin / Sec-Fetch-Site check of form-like bodies, what another site's <form>
 *   can send) on requests that ride on the session cookie without the X-Tidewatch-Csrf header.
 *   The header is the stronger proof (no other site can set it, and auth.ts asks it of every
 *   change made with a cookie); this covers the routes that take no token, such as signing out.
 *   Requests with a bearer token or no cookie are not a browser acting on someone's behalf:
 *   curl's `POST /v1/update` without a content type keeps working. The dashboard sends the header,
 *   so a proxy that rewrites the origin does not break it.
 * - a limit on sign-in attempts per client address (sign-in-limit.ts): signing in with a token
 *   (`POST /api/v1/session`) and every step of an OpenID Connect sign-in (`/auth/...`).
 */
export function harden(app: Hono, signIns = new SignInLimit()): void {
  app.use(
    '*',
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
      },
      referrerPolicy: 'no-referrer',
      xFrameOptions: 'DENY',
      strictTransportSecurity: false,
    }),
  );
  app.use('*', refuseCrossSiteCookieRequests);
  app.post('/api/v1/session', limitSignIns(signIns));
  app.use('/auth/*', limitSignIns(signIns));
}

const sameOrigin = csrf();

const refuseCrossSiteCookieRequests: MiddlewareHandler = async (c, next) => {
  const browserSession =
    c.req.header('authorization') === undefined &&
    c.req.header(CSRF_HEADER) === undefined &&
    getCookie(c, SESSION_COOKIE) !== undefined;
  if (!browserSession) {
    await next();
    return;
  }
  let allowed = false;
  try {
    await sameOrigin(c, () => {
      allowed = true;
      return Promise.resolve();
    });
  } catch {
    // Hono answers a refused origin by throwing its own plain 403; ours says why, as JSON.
  }
  if (!allowed) {
    return errorResponse(c, 'csrf-required', 'a form sent from another site cannot use the session cookie');
  }
  await next();
};

function limitSignIns(signIns: SignInLimit): MiddlewareHandler {
  return async (c, next) => {
    const wait = signIns.attempt(clientAddress(c));
    if (wait !== undefined) {
      c.header('Retry-After', String(wait));
      return errorResponse(
        c,
        'too-many-sign-ins',
        `too many sign-in attempts from this address; try again in ${wait} s`,
      );
    }
    await next();
  };
}

/**
 * The address the request came from: the socket's peer. Behind a proxy that is the proxy, so its
 * clients share one allowance (forwarded headers are not trusted: anyone can send them).
 */
function clientAddress(c: Parameters<MiddlewareHandler>[0]): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    // No socket: a request made in-process (app.request in tests).
    return 'unknown';
  }
}
