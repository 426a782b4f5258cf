import { describeError } from '../../domain/errors.js';
import type { ApiContext } from '../context.js';
import { apiError } from '../errors.js';
import { defineRoute, type ApiRoute } from '../route.js';

const ENGINE_TIMEOUT_MS = 3000;

/** Liveness and readiness, for Docker's HEALTHCHECK and Kubernetes probes: no token. */
export function healthRoutes(ctx: ApiContext): ApiRoute[] {
  const { deps } = ctx.daemon;
  return [
    defineRoute({
      methods: ['GET'],
      path: '/healthz',
      access: 'public',
      tag: 'health',
      summary: 'Liveness: the process serves HTTP',
      responses: { 200: '`{ status: "ok" }`' },
      handle: ({ c }) => c.json({ status: 'ok' }),
    }),
    defineRoute({
      methods: ['GET'],
      path: '/readyz',
      access: 'public',
      tag: 'health',
      summary: 'Readiness: the engine answers, the store reads, and Tidewatch is not stopping',
      responses: { 200: '`{ status: "ready" }`', 503: 'Not ready; the message says why' },
      handle: async ({ c }) => {
        if (ctx.stopping.aborted) throw apiError('not-ready', 'tidewatch is stopping');
        try {
          deps.store.history.list({ limit: 1 });
        } catch (error) {
          throw apiError('not-ready', `the store cannot be read: ${describeError(error)}`);
        }
        try {
          await withTimeout(deps.engine.listContainers({ all: false }), ENGINE_TIMEOUT_MS);
        } catch (error) {
          throw apiError('not-ready', `the engine does not answer: ${describeError(error)}`);
        }
        return c.json({ status: 'ready' });
      },
    }),
  ];
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
