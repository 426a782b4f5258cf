import type { Logger } from '../log/index.js';
import type { Daemon } from '../daemon/index.js';
import type { AuthSettings } from './auth.js';
import type { ContainerView } from './container-view.js';
import type { ApiMetrics } from './metrics.js';
import type { OidcSignIn } from './oidc-sign-in.js';
import type { Sessions } from './sessions.js';
import type { EventLog } from './sse.js';
import type { WebhookDispatcher } from './webhooks/dispatch.js';

/** What the API needs of the daemon (src/daemon): its cycle's dependencies and its run queue. */
export type ApiDaemon = Daemon;

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
  /** OIDC sign-in, with --oidc-issuer. */
  readonly oidc?: OidcSignIn | undefined;
  /** Aborted when the API stops: live streams end. */
  readonly stopping: AbortSignal;
}
