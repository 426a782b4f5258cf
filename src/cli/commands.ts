import { rollbackToPrevious, runCycle, type CycleDeps } from '../updater/index.js';
import type { Store } from '../store/index.js';
import { checkJson, checkTable } from './check-output.js';
import { onceProgress } from './once-progress.js';
import { stdoutTerminal } from './stdout.js';

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

/**
 * `tidewatch once`: one cycle; exit 0 when nothing failed, 1 otherwise. Given a terminal to write
 * to, it says what happens to each container as it goes (once-progress.ts) and sums up.
 */
export async function onceCommand(
  deps: CycleDeps,
  names: readonly string[],
  /** SIGTERM: an update in flight is undone and no other starts. */
  shutdown: AbortSignal = new AbortController().signal,
  /** Where the lines go: stdout when it is a terminal; none (the log only) otherwise. */
  terminal: ((text: string) => void) | undefined = stdoutTerminal(),
): Promise<number> {
  const progress =
    terminal !== undefined && deps.events !== undefined
      ? onceProgress(deps.engine, deps.events, terminal)
      : undefined;
  const report = await runCycle(progress === undefined ? deps : { ...deps, engine: progress.engine }, {
    names,
    update: true,
    signal: shutdown,
    trigger: 'cli',
  }).finally(() => progress?.finish());
  deps.logger.info(
    { updated: report.updated, failed: report.failed, checked: report.entries.length },
    'done',
  );
  return report.failed === 0 ? 0 : 1;
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
