import { setMaxListeners } from 'node:events';
import type { Hono } from 'hono';
import { describeError } from '../domain/errors.js';
import { observeRegistryRequests } from '../registry/index.js';
import { createApp } from './app.js';
import { ContainerView } from './container-view.js';
import type { ApiContext, ApiDaemon } from './context.js';
import { ApiMetrics } from './metrics.js';
import type { ApiRoute } from './route.js';
import { oidcSignInOf } from './oidc-settings.js';
import { Sessions } from './sessions.js';
import { EventLog } from './sse.js';
import { WebhookDispatcher } from './webhooks/index.js';

export const HEARTBEAT_MS = 15_000;

export interface ApiOptions {
  /** Time between SSE heartbeat comments (default 15 s). */
  readonly heartbeatMs?: number;
  /** Webhook debounce (default 400 ms). */
  readonly debounceMs?: number;
}

export interface Api {
  readonly app: Hono;
  readonly routes: readonly ApiRoute[];
  readonly context: ApiContext;
  /** Stops listening to events, ends live streams, drops webhook runs not yet started. */
  close(): void;
}

/**
 * The API over a running daemon: listens to its events (for the container view, the metrics and
 * the live stream) from now on, and serves them with the routes. No socket: see server.ts.
 */
export function createApi(daemon: ApiDaemon, options: ApiOptions = {}): Api {
  const { settings, logger, events: bus } = daemon.deps;
  const stopping = new AbortController();
  // Every live stream listens for the stop: many dashboards are not a leak.
  setMaxListeners(0, stopping.signal);
  const view = new ContainerView(daemon.deps);
  const metrics = new ApiMetrics(
    () => view.countByStatus(),
    () => daemon.deps.store.outbox.stats(),
    () => daemon.deps.store.approvals.list({ states: ['pending'], limit: 500 }).length,
  );
  const events = new EventLog();
  const webhooks = new WebhookDispatcher(
    (kind, images) => {
      daemon.runs.request({ trigger: `webhook:${kind}`, images }).then(
        (report) => metrics.runServed(report),
        (error: unknown) =>
          logger.warn({ kind, images, reason: describeError(error) }, 'a webhook run failed'),
      );
    },
    { ...(options.debounceMs !== undefined && { delayMs: options.debounceMs }) },
  );
  const context: ApiContext = {
    daemon,
    logger,
    auth: {
      token: settings.apiToken,
      metricsPublic: settings.metricsPublic,
      tokens: daemon.deps.store.apiTokens,
      oidc: settings.oidcIssuer !== undefined,
    },
    webhookSecret: settings.webhookSecret ?? settings.apiToken,
    view,
    events,
    metrics,
    webhooks,
    heartbeatMs: options.heartbeatMs ?? HEARTBEAT_MS,
    sessions: new Sessions(),
    oidc: oidcSignInOf(settings),
    stopping: stopping.signal,
  };
  const unsubscribe = bus.subscribe((event) => {
    view.observe(event);
    metrics.observe(event);
    events.append(event);
  });
  const unobserve = observeRegistryRequests((info) => metrics.registryRequest(info));
  const { app, routes } = createApp(context);
  return {
    app,
    routes,
    context,
    close: () => {
      stopping.abort();
      unsubscribe();
      unobserve();
      const dropped = webhooks.stop();
      if (dropped.length > 0)
        logger.warn({ images: dropped }, 'stopping: webhook runs not started are dropped');
    },
  };
}
