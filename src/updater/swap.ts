import { describeError } from '../domain/errors.js';
import type { ContainerDetails, CreateSpec } from '../domain/index.js';
import type { Engine } from '../engine/index.js';
import type { Logger } from '../log/index.js';
import { LOG_LINES } from '../store/index.js';
import type { Verdict } from './verify.js';

/** The old container waits under `<name>-tidewatch-old-<time>` until the new one has taken over. */
const PARKED_INFIX = '-tidewatch-old-';

export function parkedNameFor(name: string, now: number = Date.now()): string {
  return `${name}${PARKED_INFIX}${now.toString(36)}`;
}

/** Whether `candidate` is `name` itself or a parked copy of it. */
export function isNameOrParkedCopy(candidate: string, name: string): boolean {
  return candidate === name || candidate.startsWith(`${name}${PARKED_INFIX}`);
}

/** The journal steps a swap records, each before it acts (see src/store update-types). */
export type SwapStep = 'old-renamed' | 'new-created' | 'new-started' | 'verifying';

/** The failed new container's last log lines, for the rollback record; empty when unreadable. */
export function lastLogLines(engine: Engine, id: string): Promise<string> {
  return engine.containerLogs(id, LOG_LINES).catch(() => '');
}

export interface SwapRequest {
  readonly original: ContainerDetails;
  readonly spec: CreateSpec;
  /** Start the new container (the original was running, or it is to be revived). */
  readonly start: boolean;
  readonly stopTimeoutSeconds: number;
  readonly stopSignal: string | undefined;
  /** Chosen up front (and journaled) so recovery can find the original after a crash. */
  readonly parkedName?: string;
  /** Runs after the new container exists and before the original stops (dependents stop here). */
  readonly beforeStop?: () => Promise<void>;
  /** Records a step before it is taken. */
  readonly record?: (step: SwapStep, newContainerId?: string) => void;
  /** Decides whether the started container is good; without it, starting is enough. */
  readonly verify?: (newId: string) => Promise<Verdict>;
}

export type SwapOutcome =
  | { readonly kind: 'swapped'; readonly newId: string }
  /** The new container never ran; the original is back under its name (or was never touched). */
  | { readonly kind: 'failed'; readonly reason: string }
  /** The new container ran and was not good; the original is back, same id. */
  | {
      readonly kind: 'rolled-back';
      readonly reason: string;
      readonly logs: string;
      readonly verified: boolean;
    };

/**
 * Replaces a container by a new one created from `spec`, under the same name. Nothing is stopped
 * until the new container exists, and the original is only removed once the new one has been
 * verified: any failure before that puts the original back, same id.
 */
export async function swapContainer(
  deps: { readonly engine: Engine; readonly logger: Logger },
  request: SwapRequest,
): Promise<SwapOutcome> {
  const { engine } = deps;
  const { original, spec } = request;
  const log = deps.logger.child({ container: original.name });
  const wasRunning = original.state === 'running' || original.state === 'restarting';
  const parkedName = request.parkedName ?? parkedNameFor(original.name);
  const restore = (newId: string | undefined, restart: boolean): Promise<void> =>
    restoreOriginal(engine, original, newId, restart, log);

  // Step 1: free the name while the original keeps running; the new one is created beside it.
  try {
    request.record?.('old-renamed');
    await engine.renameContainer(original.id, parkedName);
  } catch (error) {
    return { kind: 'failed', reason: describeError(error) };
  }
  let newId: string | undefined;
  try {
    newId = await engine.createContainer(spec);
    request.record?.('new-created', newId);
    for (const network of spec.extraNetworks)
      await engine.connectNetwork(network.name, newId, network.endpoint);
  } catch (error) {
    const reason = describeError(error);
    await restore(newId, false);
    log.error({ reason }, 'could not create the new container; the original is untouched');
    return { kind: 'failed', reason };
  }

  // Step 2: the swap itself. From here a failure restores and restarts the original.
  try {
    await request.beforeStop?.();
    if (wasRunning) {
      await engine.stopContainer(original.id, {
        timeoutSeconds: request.stopTimeoutSeconds,
        signal: request.stopSignal,
      });
    }
    // Recorded even when there is nothing to do (a stopped container stays stopped): a journal
    // state always means every step before it happened.
    request.record?.('new-started', newId);
    if (request.start) await engine.startContainer(newId);
  } catch (error) {
    const reason = describeError(error);
    const logs = await lastLogLines(engine, newId);
    await restore(newId, wasRunning);
    log.error({ reason }, 'the new container did not start; the original is back');
    return {
      kind: 'rolled-back',
      reason: `the new container did not start: ${reason}`,
      logs,
      verified: false,
    };
  }

  // Step 3: the new container proves itself while the original waits, stopped, under its parked name.
  request.record?.('verifying', newId);
  if (request.start && request.verify) {
    log.info({ newId }, 'verifying the new container');
    const verdict = await request.verify(newId);
    if (!verdict.ok) {
      const logs = await lastLogLines(engine, newId);
      await restore(newId, wasRunning);
      log.warn(
        { reason: verdict.reason },
        'the new container failed verification; rolled back to the original',
      );
      return { kind: 'rolled-back', reason: verdict.reason, logs, verified: true };
    }
  }

  try {
    await engine.removeContainer(original.id, { force: true });
  } catch (error) {
    log.warn(
      { reason: describeError(error), parkedName },
      'swapped, but the old container could not be removed',
    );
  }
  return { kind: 'swapped', newId };
}

/** Puts the original back: the new container removed, the original renamed back and restarted. */
export async function restoreOriginal(
  engine: Engine,
  original: Pick<ContainerDetails, 'id' | 'name'>,
  newId: string | undefined,
  restart: boolean,
  log: Logger,
): Promise<void> {
  try {
    if (newId !== undefined) await engine.removeContainer(newId, { force: true });
    await engine.renameContainer(original.id, original.name);
    if (restart) await engine.startContainer(original.id);
  } catch (error) {
    // Nothing further is removed here: the original still exists under its parked name.
    log.error(
      { reason: describeError(error), id: original.id },
      'could not fully restore the original container',
    );
  }
}
