import { describeError } from '../domain/errors.js';
import { Scheduler } from '../scheduler/index.js';
import { rollbackToPrevious, runCycle, type CycleDeps } from '../updater/index.js';
import type { Store } from '../store/index.js';
import { checkJson, checkTable } from './check-output.js';

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
export async function onceCommand(deps: CycleDeps, names: readonly string[]): Promise<number> {
  const report = await runCycle(deps, {
    names,
    update: true,
    signal: new AbortController().signal,
    trigger: 'cli',
  });
  deps.logger.info(
    { updated: report.updated, failed: report.failed, checked: report.entries.length },
    'done',
  );
  return report.failed === 0 ? 0 : 1;
}

/**
 * `tidewatch run`: the daemon. SIGTERM or SIGINT lets the container in flight finish, then exits 0.
 * The handlers are `once`: a second signal gets Node's default and ends the process at once.
 */
export async function runCommand(deps: CycleDeps): Promise<number> {
  const { settings, logger } = deps;
  let stopping = false;
  const controller = new AbortController();
  const scheduler = new Scheduler({
    intervalMs: settings.intervalMs,
    schedule: settings.schedule,
    runAtStart: !settings.noStartupCheck,
    logger,
    run: async (trigger) => {
      logger.info({ trigger }, 'check started');
      const report = await runCycle(deps, {
        names: [],
        update: true,
        signal: controller.signal,
        shouldStop: () => stopping,
        // History knows startup and schedule; an interval is a schedule too.
        trigger: trigger === 'startup' ? 'startup' : 'schedule',
      });
      logger.info({ trigger, updated: report.updated, failed: report.failed }, 'check finished');
    },
  });

  logger.info({ engineApi: deps.engine.apiVersion }, 'tidewatch started');
  scheduler.start();
  await new Promise<void>((resolve) => {
    const onSignal = (signal: NodeJS.Signals): void => {
      stopping = true;
      logger.info({ signal }, 'stopping after the container in flight');
      scheduler.stop().then(resolve, (error: unknown) => {
        logger.error({ reason: describeError(error) }, 'error while stopping');
        resolve();
      });
    };
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
  });
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
