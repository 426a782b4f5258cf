import { describeError } from '../domain/errors.js';
import { imageMatcher } from '../domain/index.js';
import type { EventBus } from '../events/index.js';
import { RunQueue, Scheduler } from '../scheduler/index.js';
import { rollbackToPrevious, runCycle, type CycleDeps, type CycleReport } from '../updater/index.js';
import type { Store } from '../store/index.js';
import { checkJson, checkTable } from './check-output.js';
import type { Daemon, Service, ServiceStarter } from '../daemon/index.js';

/** `tidewatch check`: prints the report; exit 1 when a container could not be checked. */
export async function checkCommand(
  deps: CycleDeps,
  names: readonly string[],
  json: boolean,
  write: (text: string) => void,
): Promise<number> {
  const report = await runCycle(deps, { names, update: false, signal: new AbortController().signal });
  write(`${json ? checkJson(report.entries) : checkTable(report.entries)}\n`);
  return report.entries.some((entry) => entry.status === 'unknown') ? 1 : 0;
}

/** `tidewatch once`: one cycle; exit 0 when nothing failed, 1 otherwise. */
export async function onceCommand(
  deps: CycleDeps,
  names: readonly string[],
  /** SIGTERM: an update in flight is undone and no other starts. */
  shutdown: AbortSignal = new AbortController().signal,
): Promise<number> {
  const report = await runCycle(deps, {
    names,
    update: true,
    signal: shutdown,
    trigger: 'cli',
  });
  deps.logger.info(
    { updated: report.updated, failed: report.failed, checked: report.entries.length },
    'done',
  );
  return report.failed === 0 ? 0 : 1;
}

/** What `run` hands each service it starts beside the scheduler (the HTTP API, notifications). */
export type { Daemon, Service, ServiceStarter };

/**
 * `tidewatch run`: the daemon. SIGTERM or SIGINT aborts the run in flight (an update being verified
 * is undone; one past its commit point is finished), stops the services, then exits 0. main.ts
 * exits anyway after --shutdown-timeout, and at once on a second signal (src/cli/shutdown.ts).
 */
export async function runCommand(
  deps: CycleDeps & { readonly store: Store; readonly events: EventBus },
  services: readonly ServiceStarter[] = [],
): Promise<number> {
  const { settings, logger } = deps;
  let stopping = false;
  const controller = new AbortController();
  const runs = new RunQueue<CycleReport>(async (request) => {
    logger.info({ trigger: request.trigger, names: request.names, images: request.images }, 'check started');
    const report = await runCycle(deps, {
      names: request.names ?? [],
      images: request.images?.length ? imageMatcher(request.images) : undefined,
      update: true,
      signal: controller.signal,
      shouldStop: () => stopping,
      trigger: request.trigger,
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
    for (const start of services) started.push(await start({ deps, runs }));
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

/** `tidewatch rollback NAME`: back to the previous image, verified; exit 0 on success, 1 otherwise. */
export async function rollbackCommand(
  deps: CycleDeps & { readonly store: Store },
  name: string,
  write: (text: string) => void,
  writeError: (text: string) => void,
): Promise<number> {
  const result = await rollbackToPrevious(deps, name, new AbortController().signal);
  if (!result.ok) {
    writeError(`tidewatch: could not roll back ${name}: ${result.reason}\n`);
    return 1;
  }
  write(
    `Rolled ${name} back to ${result.imageId}; its newer digest is skipped until "tidewatch forget ${name}".\n`,
  );
  return 0;
}
