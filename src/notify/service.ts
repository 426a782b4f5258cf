import type { Settings } from '../config/index.js';
import type { Clock } from '../domain/clock.js';
import type { EventBus } from '../events/index.js';
import type { Logger } from '../log/index.js';
import type { Store } from '../store/index.js';
import { readNotifyConfig, type NotifyConfig } from './config.js';
import { Dispatcher } from './dispatcher.js';
import { Notifier } from './notifier.js';
import { Secrets } from '../domain/redact.js';
import { buildTargets, type Target } from './targets.js';

/** Delivered messages are kept a week (for the API), given-up ones a month, then pruned at start. */
const KEEP_DELIVERED_MS = 7 * 86_400_000;
const KEEP_FAILED_MS = 30 * 86_400_000;

export interface Notifications {
  readonly config: NotifyConfig;
  readonly targets: readonly Target[];
  /** Redacts every configured URL's secrets from a text (for logs, errors and API answers). */
  redact(text: string): string;
  /** Listens to the bus, queues messages and delivers them in the background. */
  start(bus: EventBus): void;
  /**
   * `once`: delivers what is queued, waiting at most --notification-drain; what is left stays in
   * the outbox for the next start. Then stops.
   */
  drainAndStop(): Promise<void>;
  /** `run`: a last pass over what is due, then stops. */
  stop(): Promise<void>;
}

export interface NotificationDeps {
  readonly store: Pick<Store, 'outbox' | 'announced'>;
  readonly logger: Logger;
  readonly clock: Clock;
  /** Test-only: fixed-host services are reached here (see ChannelOptions.apiBase). */
  readonly apiBase?: string | undefined;
}

/**
 * Notifications from settings: URLs parsed (a bad one stops Tidewatch at start, exit 2), the
 * outbox pruned, and — once started — events turned into messages and delivered.
 */
export function createNotifications(settings: Readonly<Settings>, deps: NotificationDeps): Notifications {
  const config = readNotifyConfig(settings);
  const secrets = new Secrets();
  const logger = deps.logger.child({ component: 'notify' });
  const targets = buildTargets(config.urls, { logger, secrets, apiBase: deps.apiBase });
  const { outbox, announced } = deps.store;
  const dispatcher = new Dispatcher({
    outbox,
    targets,
    secrets,
    logger,
    clock: deps.clock,
    timeoutMs: config.timeoutMs,
    maxAgeMs: config.maxAgeMs,
  });
  let unsubscribe: (() => void) | undefined;

  return {
    config,
    targets,
    redact: (text) => secrets.redact(text),
    start(bus) {
      for (const warning of config.warnings) logger.warn(warning);
      const now = deps.clock();
      const pruned = outbox.prune(now - KEEP_DELIVERED_MS, now - KEEP_FAILED_MS);
      if (targets.length === 0) {
        // Nothing to send to; what an earlier configuration queued stays until a target returns.
        if (outbox.pendingCount() > 0)
          logger.warn(
            { pending: outbox.pendingCount() },
            'notifications are queued but no URL is configured',
          );
        return;
      }
      logger.info(
        {
          targets: targets.map((target) => target.label),
          report: config.report,
          level: config.level,
          pruned,
        },
        'notifications on',
      );
      const notifier = new Notifier({
        config,
        targets,
        outbox,
        announced,
        clock: deps.clock,
        logger,
        queued: () => dispatcher.kick(),
      });
      unsubscribe = notifier.attach(bus);
      dispatcher.start();
    },
    async drainAndStop() {
      unsubscribe?.();
      if (targets.length === 0) return;
      const pending = await dispatcher.drain(deps.clock() + config.drainMs);
      if (pending > 0)
        logger.warn({ pending }, 'notifications not delivered yet stay queued for the next start');
      await dispatcher.stop();
    },
    async stop() {
      unsubscribe?.();
      if (targets.length === 0) return;
      await dispatcher.stop();
      await dispatcher.pass();
    },
  };
}
