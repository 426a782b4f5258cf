import { join } from 'node:path';

/** Prefix of the files a successor writes into the data dir to say it is ready and waiting. */
const READY_PREFIX = 'handover-';

/**
 * `<dataDir>/handover-<successor id>.ready`: written by a successor once its settings are valid and
 * the engine answers, just before it starts waiting for the lock. It is a plain file beside the
 * store, not in it: the successor may not write the store before it holds the lock.
 */
export function readyFile(dataDir: string, containerId: string): string {
  return join(dataDir, `${READY_PREFIX}${containerId}.ready`);
}

/** The environment variable that makes `run` a successor: the predecessor's container id. */
export const SUCCESSOR_ENV = 'TIDEWATCH_SUCCESSOR_OF';
