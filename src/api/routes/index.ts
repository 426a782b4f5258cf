import type { ApiContext } from '../context.js';
import type { ApiRoute } from '../route.js';
import { approvalRoutes } from './approvals.js';
import { containerRoutes } from './containers.js';
import { eventRoutes } from './events.js';
import { healthRoutes } from './health.js';
import { metricsRoutes } from './metrics.js';
import { runRoutes } from './runs.js';
import { sessionRoutes } from './session.js';
import { oidcRoutes } from './oidc.js';
import { updateRoutes } from './updates.js';
import { watchtowerRoutes } from './watchtower.js';
import { webhookRoutes } from './webhooks.js';
import { gitopsRoutes } from './gitops.js';
import { fleetRoutes } from './fleet.js';
import { bundleRoutes } from './bundles.js';
import { viewRoutes } from './views.js';

/** A route file: its routes, given the API's context. */
export type RouteFile = (ctx: ApiContext) => ApiRoute[];

/** Every route file; a new one is one more line here (openapi.json and the tests follow). */
export const ROUTE_FILES: readonly RouteFile[] = [
  healthRoutes,
  metricsRoutes,
  watchtowerRoutes,
  containerRoutes,
  runRoutes,
  updateRoutes,
  eventRoutes,
  webhookRoutes,
  gitopsRoutes,
  sessionRoutes,
  oidcRoutes,
  approvalRoutes,
  fleetRoutes,
  bundleRoutes,
  viewRoutes,
];
