import type { Context } from 'hono';
import type { Registry } from 'prom-client';
import type { ApiContext } from '../context.js';
import { defineRoute, type ApiRoute } from '../route.js';

async function serve(c: Context, registry: Registry): Promise<Response> {
  return c.body(await registry.metrics(), 200, { 'content-type': registry.contentType });
}

/** Prometheus: Tidewatch's metrics, and Watchtower's names for existing dashboards. */
export function metricsRoutes(ctx: ApiContext): ApiRoute[] {
  return [
    defineRoute({
      methods: ['GET'],
      path: '/metrics',
      access: 'metrics',
      tag: 'metrics',
      summary: 'Prometheus metrics (the token is needed unless --metrics-public)',
      produces: 'text/plain; version=0.0.4',
      responses: { 200: 'Prometheus text format' },
      handle: ({ c }) => serve(c, ctx.metrics.registry),
    }),
    defineRoute({
      methods: ['GET'],
      path: '/v1/metrics',
      access: 'metrics',
      tag: 'watchtower',
      summary:
        'Watchtower’s metrics: watchtower_containers_scanned, _updated, _failed, watchtower_scans_total, _skipped',
      produces: 'text/plain; version=0.0.4',
      responses: { 200: 'Prometheus text format' },
      handle: ({ c }) => serve(c, ctx.metrics.watchtower),
    }),
  ];
}
