import { readContainerLabels } from '../config/labels.js';
import type { ContainerSummary } from '../domain/index.js';
import { describeError } from '../domain/errors.js';
import type { Logger } from '../log/index.js';
import type { Engine } from '../engine/index.js';
import { lockTakenAt } from '../store/index.js';
import type { CycleDeps } from '../updater/index.js';
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { prepareSuccessor, type Successor } from './predecessor.js';

const READY_TIMEOUT_MS = 60_000;
// After the lock is released the successor, polling every few ms, takes it at once; this is only
// the bound after which it is deemed dead and this instance takes its data dir back.
const TAKE_TIMEOUT_MS = 30_000;
// The successor stops this container right after it holds the lock; if it never does, go anyway.
const STOPPED_BY_SUCCESSOR_MS = 300_000;

/**
 * Tidewatch updating the container it runs in (docs/self-update.md). A cycle hands it the own
 * container; when a ready successor exists, the daemon is asked to stop (as on SIGTERM: what is in
 * flight finishes), the store closes, which releases the data-dir lock, and `handOver` waits until
 * the successor holds it.
 */
export class SelfUpdater {
  private successor: Successor | undefined;
  private requestedAt = 0;
  private failed: { readonly name: string; readonly digest: string } | undefined;
  private context: { readonly engine: Engine; readonly dataDir: string; readonly logger: Logger } | undefined;

  constructor(private readonly stopDaemon: () => void) {}

  /** The cycle's hook (CycleDeps.onSelf). Never throws: a failed self-update leaves this instance as it is. */
  async onSelf(deps: CycleDeps, self: ContainerSummary, signal: AbortSignal): Promise<void> {
    if (this.successor !== undefined || deps.store === undefined) return;
    this.context = { engine: deps.engine, dataDir: dirname(deps.store.file), logger: deps.logger };
    if (this.failed !== undefined) {
      deps.store.badDigests.remember(this.failed.name, this.failed.digest, 'successor did not take the lock');
      this.failed = undefined;
    }
    let labels;
    try {
      labels = readContainerLabels(self.labels);
    } catch (error) {
      // A label the parser refuses on Tidewatch's own container: no self-update, the daemon goes on.
      deps.logger.warn({ container: self.name, reason: describeError(error) }, 'self-update skipped');
      return;
    }
    const { settings } = deps;
    if (settings.monitorOnly || labels.enable === false || (settings.labelEnable && labels.enable !== true))
      return;
    try {
      const successor = await prepareSuccessor(deps, self, { signal, readyTimeoutMs: READY_TIMEOUT_MS });
      if (successor === undefined) return;
      this.successor = successor;
      this.requestedAt = Date.now();
      this.stopDaemon();
    } catch (error) {
      deps.logger.error({ container: self.name, reason: describeError(error) }, 'self-update failed');
    }
  }

  /** Whether the daemon stopped to hand over (then call handOver after the store closed). */
  get handingOver(): boolean {
    return this.successor !== undefined;
  }

  /**
   * After the store closed: true once the successor holds the lock (this process should then only
   * wait to be stopped by it); false when it did not take it in time: it is removed, its digest
   * will be remembered as bad, and the caller runs the daemon again.
   */
  async handOver(): Promise<boolean> {
    const successor = this.successor;
    const context = this.context;
    if (successor === undefined || context === undefined) return false;
    const { engine, dataDir, logger } = context;
    this.successor = undefined;
    const deadline = Date.now() + TAKE_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if ((lockTakenAt(dataDir) ?? 0) >= this.requestedAt) {
        logger.info({ successor: successor.name, digest: successor.digest }, 'handed over to the successor');
        return true;
      }
      await sleep(20);
    }
    logger.error({ successor: successor.name }, 'the successor did not take the lock; this instance goes on');
    await engine.removeContainer(successor.id, { force: true }).catch(() => undefined);
    rmSync(successor.readyFile, { force: true });
    this.failed = { name: successor.for, digest: successor.digest };
    return false;
  }
}

/**
 * Once handed over: idle, holding nothing, until the successor stops this container (SIGTERM,
 * answered by exiting 0; as pid 1 a process must handle it itself). Bounded, in case it never does.
 */
export async function waitToBeStopped(): Promise<void> {
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, STOPPED_BY_SUCCESSOR_MS);
    const done = (): void => {
      clearTimeout(timer);
      resolve();
    };
    process.once('SIGTERM', done);
    process.once('SIGINT', done);
  });
}
