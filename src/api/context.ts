import type { EventBus } from '../events/index.js';
import type { Logger } from '../log/index.js';
import type { RunQueue } from '../scheduler/index.js';
import type { Store } from '../store/index.js';
import type { CycleDeps, CycleReport } from '../updater/index.js';
import type { AuthSettings } from './auth.js';
import type { ContainerView } from './container-view.js';
import type { ApiMetrics } from './metrics.js';
import type { Sessions } from './sessions.js';
import type { EventLog } from './sse.js';
import type { WebhookDispatcher } from './webhooks/dispatch.js';

/**
 * What the API needs of the daemon: the cycle's dependencies with the store and the event bus, and
 * the run queue every run goes through. `Daemon` from src/cli has this shape.
 */
export interface ApiDaemon {
  readonly deps: CycleDeps & { readonly store: Store; readonly events: EventBus };
  readonly runs: RunQueue<CycleReport>;
}

/** Everything a route handler may use, built once per API (see createApi). */
export interface ApiContext {
  readonly daemon: ApiDaemon;
  readonly logger: Logger;
  readonly auth: AuthSettings;
  /** The webhooks' shared secret and HMAC key: --webhook-secret, else the API token. */
  readonly webhookSecret: string | undefined;
  readonly view: ContainerView;
  readonly events: EventLog;
  readonly metrics: ApiMetrics;
  readonly webhooks: WebhookDispatcher;
  /** Time between SSE heartbeat comments. */
  readonly heartbeatMs: number;
  /** Dashboard sign-ins (session cookies). */
  readonly sessions: Sessions;
  /** Aborted when the API stops: live streams end. */
  readonly stopping: AbortSignal;
}
