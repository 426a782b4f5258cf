/** The HTTP API: routes, auth, live events, metrics and webhooks over a running daemon. */
export { startApi, parseHttpAddr, type ApiService } from './server.js';
export { createApi, HEARTBEAT_MS, type Api, type ApiOptions } from './create-api.js';
export { createApp, type App } from './app.js';
export type { ApiContext, ApiDaemon } from './context.js';
export { defineRoute, type ApiRoute, type RouteDefinition, type RouteInput, type Method } from './route.js';
export type { RouteFile } from './routes/index.js';
export { openApiDocument } from './openapi.js';
export { EventLog, type LoggedEvent } from './sse.js';
export { WEBHOOK_KINDS, WebhookDispatcher, type WebhookKind } from './webhooks/index.js';
