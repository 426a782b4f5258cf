import { rmSync, writeFileSync } from 'node:fs';
import type { Clock } from '../domain/clock.js';
import type { Logger } from '../log/index.js';
import type { Engine } from '../engine/index.js';
import { waitForDataDirLock, type DataDirLock } from '../store/index.js';
import { readyFile } from './handover-file.js';
import { makeDirs } from '../domain/dirs.js';

// The predecessor releases the lock once its work in flight is done; a 2 ms poll keeps the moment
// when nobody holds it to a few milliseconds. The timeout covers a long update in flight.
const POLL_MS = 2;
const WAIT_TIMEOUT_MS = 600_000;
const STOP_PREDECESSOR_SECONDS = 30;

export interface Turn {
  readonly lock: DataDirLock;
  readonly predecessorId: string;
  readonly readyFile: string;
}

/**
 * A successor's start (TIDEWATCH_SUCCESSOR_OF set): says it is ready, then waits for the
 * predecessor to release the data dir. Undefined when there is no handover to wait for (not in a
 * container, or the predecessor is gone: a successor restarted later starts as usual).
 */
export async function awaitTurn(
  deps: { readonly engine: Engine; readonly logger: Logger; readonly selfId?: string | undefined },
  dataDir: string,
  predecessorId: string,
  clock: Clock,
): Promise<Turn | undefined> {
  if (deps.selfId === undefined || deps.selfId === predecessorId) return undefined;
  if ((await deps.engine.inspectContainer(predecessorId)) === undefined) return undefined;
  makeDirs(dataDir, 0o700);
  const file = readyFile(dataDir, deps.selfId);
  writeFileSync(file, `${new Date(clock()).toISOString()}\n`);
  deps.logger.info({ predecessor: predecessorId }, 'successor ready; waiting for the data-dir lock');
  try {
    const lock = await waitForDataDirLock(dataDir, clock, { timeoutMs: WAIT_TIMEOUT_MS, pollMs: POLL_MS });
    deps.logger.info({ predecessor: predecessorId }, 'successor holds the data-dir lock');
    return { lock, predecessorId, readyFile: file };
  } catch (error) {
    rmSync(file, { force: true });
    throw error;
  }
}

/** Holding the lock: stops and removes the predecessor, and takes its name. */
export async function takeOver(
  deps: { readonly engine: Engine; readonly logger: Logger; readonly selfId?: string | undefined },
  turn: Turn,
): Promise<void> {
  const { engine, logger } = deps;
  rmSync(turn.readyFile, { force: true });
  const predecessor = await engine.inspectContainer(turn.predecessorId);
  if (predecessor === undefined || deps.selfId === undefined) return;
  await engine.stopContainer(predecessor.id, { timeoutSeconds: STOP_PREDECESSOR_SECONDS });
  await engine.removeContainer(predecessor.id, { force: true });
  await engine.renameContainer(deps.selfId, predecessor.name);
  logger.info({ predecessor: predecessor.id, name: predecessor.name }, 'took over from the predecessor');
}
