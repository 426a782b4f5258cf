import { SelfUpdater, waitToBeStopped } from './self-updater.js';
import { SUCCESSOR_ENV } from './handover-file.js';

/**
 * `run` with self-update (src/self-update, docs/self-update.md): when a cycle left a ready
 * successor, the daemon has stopped and its store is closed (the lock released); this process then
 * hands over and waits to be stopped by the successor. If the successor never takes the lock, the
 * daemon runs again here. TIDEWATCH_SUCCESSOR_OF makes the first run a successor's.
 */
export async function runWithSelfUpdate(
  daemon: (selfUpdater: SelfUpdater, successorOf: string | undefined) => Promise<number>,
): Promise<number> {
  // As SIGTERM does: services stop, then the store closes (the self-update comes after the run).
  const selfUpdater = new SelfUpdater(() => process.kill(process.pid, 'SIGTERM'));
  const env = process.env[SUCCESSOR_ENV];
  let successorOf = env === undefined || env === '' ? undefined : env;
  for (;;) {
    const code = await daemon(selfUpdater, successorOf);
    successorOf = undefined;
    if (!selfUpdater.handingOver) return code;
    if (await selfUpdater.handOver()) {
      await waitToBeStopped();
      return 0;
    }
  }
}
