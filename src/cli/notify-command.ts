import type { Settings } from '../config/index.js';
import { describeError } from '../domain/errors.js';
import type { EventBus } from '../events/index.js';
import type { Logger } from '../log/index.js';
import { Secrets, buildTargets, readNotifyConfig, testPayload, type Notifications } from '../notify/index.js';
import type { ServiceStarter } from '../daemon/index.js';

export interface NotifyTestOptions {
  /** Test-only: where fixed-host services are reached (see ChannelOptions.apiBase). */
  readonly apiBase?: string | undefined;
  readonly now?: () => number;
}

/**
 * `tidewatch notify test`: sends a test message to every configured URL (legacy ones included),
 * directly, not through the outbox, and prints what each answered, secrets redacted. Exit 0 when
 * every one took it, 1 otherwise (or when none is configured).
 */
export async function notifyTestCommand(
  settings: Readonly<Settings>,
  logger: Logger,
  write: (text: string) => void,
  writeError: (text: string) => void,
  options: NotifyTestOptions = {},
): Promise<number> {
  const config = readNotifyConfig(settings);
  const secrets = new Secrets();
  const targets = buildTargets(config.urls, { logger, secrets, apiBase: options.apiBase });
  if (targets.length === 0) {
    writeError(
      'tidewatch: no notification URL is configured (--notification-url, TIDEWATCH_NOTIFICATION_URL)\n',
    );
    return 1;
  }
  const now = options.now ?? Date.now;
  let failed = 0;
  for (const target of targets) {
    try {
      const receipt = await target.channel.send(testPayload(target, config, now()), {
        signal: AbortSignal.timeout(config.timeoutMs),
        messageId: 0,
      });
      write(`ok      ${target.label}: ${secrets.redact(receipt.status)}\n`);
    } catch (error) {
      failed += 1;
      write(`failed  ${target.label}: ${secrets.redact(describeError(error))}\n`);
    }
  }
  return failed === 0 ? 0 : 1;
}

/** `run`: notifications as a service beside the scheduler; stopped after the last run, so its messages go too. */
export function notificationService(notifications: Notifications): ServiceStarter {
  return (daemon) => {
    notifications.start(daemon.deps.events);
    return Promise.resolve({ stop: () => notifications.stop() });
  };
}

/**
 * `once`: notifications around the cycle; before exiting, what was queued is delivered within
 * --notification-drain, and what is not stays in the outbox for the next start.
 */
export async function withNotifications<T>(
  notifications: Notifications,
  events: EventBus,
  work: () => Promise<T>,
): Promise<T> {
  notifications.start(events);
  try {
    return await work();
  } finally {
    await notifications.drainAndStop();
  }
}
