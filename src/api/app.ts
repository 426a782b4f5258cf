import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { authenticate, type DenialCode } from './auth.js';
import type { ApiContext } from './context.js';
import { errorResponse, handleError } from './errors.js';
import { openApiRoute } from './openapi.js';
import { parseInput, type ApiRoute } from './route.js';
import { ROUTE_FILES, type RouteFile } from './routes/index.js';
import { CSRF_HEADER, sessionIdOf } from './sessions.js';
import { serveDashboard } from './dashboard.js';
import { harden } from './hardening.js';

/** Webhook payloads are small; a registry envelope of many events is well under this. */
const MAX_BODY_BYTES = 1024 * 1024;

export interface App {
  readonly app: Hono;
  /** Every route served, for openapi.json and the tests. */
  readonly routes: readonly ApiRoute[];
}

/**
 * The API as a Hono app: testable with `app.request()` without a socket. Each route is served
 * through the same steps: access check, the sender's own check (webhooks), zod on path, query and
 * body, then the handler; every error answers `{ error: { code, message } }`.
 */
export function createApp(ctx: ApiContext, files: readonly RouteFile[] = ROUTE_FILES): App {
  const routes: ApiRoute[] = files.flatMap((file) => file(ctx));
  routes.push(openApiRoute(() => routes));

  const app = new Hono();
  // The path only: a query may hold a webhook secret.
  app.use('*', async (c, next) => {
    await next();
    ctx.logger.debug({ method: c.req.method, path: c.req.path, status: c.res.status }, 'http request');
  });
  harden(app);
  app.use(
    '*',
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: (c) => errorResponse(c, 'payload-too-large', `the body is over ${MAX_BODY_BYTES} bytes`),
    }),
  );
  for (const route of routes) {
    app.on([...route.methods], route.path, (c) => serve(ctx, route, c));
  }
  serveDashboard(app, ctx.logger);
  app.notFound((c) => notFound(routes, c));
  app.onError(handleError(ctx.logger));
  return { app, routes };
}

async function serve(ctx: ApiContext, route: ApiRoute, c: Context): Promise<Response> {
  const { denial, holder } = authenticate(route.access, ctx.auth, c.req.header('authorization'), {
    person: ctx.sessions.valid(sessionIdOf(c)),
    csrfHeader: c.req.header(CSRF_HEADER) !== undefined,
  });
  if (denial) return deny(c, denial.code, denial.message);
  // GET and HEAD carry no body: reading one anyway makes @hono/node-server build a whole fetch
  // Request for each of them (4 ms for the first, the /readyz of every start).
  const raw = c.req.method === 'GET' || c.req.method === 'HEAD' ? '' : await c.req.text();
  const senderDenial = route.authorize?.(c, raw);
  if (senderDenial) return deny(c, senderDenial.code, senderDenial.message);
  const { params, query, body } = parseInput(route, c, raw);
  return route.handle({ c, params, query, body, raw, holder });
}

function deny(c: Context, code: DenialCode, message: string): Response {
  if (code === 'unauthorized') c.header('WWW-Authenticate', 'Bearer realm="tidewatch"');
  return errorResponse(c, code, message);
}

/** 405 with Allow when the path exists for other methods, else 404. */
function notFound(routes: readonly ApiRoute[], c: Context): Response {
  const allowed = routes
    .filter((route) => pathPattern(route.path).test(c.req.path))
    .flatMap((route) => route.methods);
  if (allowed.length > 0) {
    c.header('Allow', [...new Set(allowed)].join(', '));
    return errorResponse(c, 'method-not-allowed', `${c.req.method} is not served on ${c.req.path}`);
  }
  return errorResponse(c, 'not-found', `nothing is served on ${c.req.path}`);
}

function pathPattern(path: string): RegExp {
  const escaped = path
    .split(/(:[A-Za-z0-9_]+)/)
    .map((part) => (part.startsWith(':') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${escaped}$`);
}
