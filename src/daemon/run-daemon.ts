import { describeError } from '../domain/errors.js';
import type { CycleReport } from '../domain/run.js';
import type { EventBus } from '../events/index.js';
import { RunQueue, Scheduler } from '../scheduler/index.js';
import type { Store } from '../store/index.js';
import type { CycleDeps } from '../updater/index.js';
import { runRequested } from './run-requested.js';
import type { Service, ServiceStarter } from './daemon.js';
import type { Daemon } from './daemon.js';

/**
 * `tidewatch run`: the daemon. SIGTERM or SIGINT aborts the run in flight (an update being verified
 * is undone; one past its commit point is finished), stops the services, then returns 0 (the exit
 * code). main.ts exits anyway after --shutdown-timeout, and at once on a second signal
 * (src/cli/shutdown.ts). Services (the API, GitOps, own schedules) start before the first run.
 */
export async function runDaemon(
  deps: CycleDeps & { readonly store: Store; readonly events: EventBus },
  services: readonly ServiceStarter[] = [],
  extras: Pick<Daemon, 'fleet' | 'bundleHave'> = {},
): Promise<number> {
  const { settings, logger } = deps;
  let stopping = false;
  const controller = new AbortController();
  const runs = new RunQueue<CycleReport>(async (request) => {
    const { trigger, names, images, checkOnly } = request;
    logger.info({ trigger, names, images, ...(checkOnly && { checkOnly }) }, 'check started');
    const report = await runRequested(deps, request, {
      signal: controller.signal,
      shouldStop: () => stopping,
    });
    logger.info(
      { trigger: request.trigger, updated: report.updated, failed: report.failed },
      'check finished',
    );
    return report;
  });
  const scheduler = new Scheduler({
    intervalMs: settings.intervalMs,
    schedule: settings.schedule,
    runAtStart: !settings.noStartupCheck,
    logger,
    // History knows startup and schedule; an interval is a schedule too.
    run: async (trigger) => {
      await runs.request({ trigger: trigger === 'startup' ? 'startup' : 'schedule' });
    },
  });

  const started: Service[] = [];
  try {
    for (const start of services) started.push(await start({ deps, runs, ...extras }));
    logger.info({ engineApi: deps.engine.apiVersion }, 'tidewatch started');
    // --api-only: runs start only when asked (API, webhooks, dashboard), as Watchtower's API mode.
    if (settings.apiOnly) logger.info('no schedule: checks run only when asked over the API');
    else scheduler.start();
    await new Promise<void>((resolve) => {
      const onSignal = (signal: NodeJS.Signals): void => {
        stopping = true;
        controller.abort();
        logger.info({ signal }, 'stopping');
        Promise.all([scheduler.stop(), runs.close()]).then(
          () => resolve(),
          (error: unknown) => {
            logger.error({ reason: describeError(error) }, 'error while stopping');
            resolve();
          },
        );
      };
      process.once('SIGTERM', onSignal);
      process.once('SIGINT', onSignal);
    });
  } finally {
    for (const service of started.reverse()) {
      await service.stop().catch((error: unknown) => {
        logger.error({ reason: describeError(error) }, 'a service did not stop cleanly');
      });
    }
  }
  logger.info('stopped');
  return 0;
}
