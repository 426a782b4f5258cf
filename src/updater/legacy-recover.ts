import { describeError } from '../domain/errors.js';
import type { Engine } from '../engine/index.js';
import { canTransition, type UpdateRecord } from '../store/index.js';
import { isStartingCopy } from './copies.js';

export interface RecoveryResult {
  readonly container: string;
  readonly outcome: 'rolled-back' | 'committed' | 'failed';
  readonly reason: string;
}

/**
 * An update row journaled by a Tidewatch from before group plans (schema 4), interrupted after
 * its first change: it is finished the way that version's recovery did, trusting the engine.
 * While the original container exists, the update never committed and is undone; an original
 * that is gone was removed after its successor was verified, so that successor stays.
 */
export async function recoverLegacyRow(engine: Engine, record: UpdateRecord): Promise<RecoveryResult> {
  let result: RecoveryResult;
  try {
    result = await recoverOne(engine, record);
  } catch (error) {
    result = {
      container: record.containerName,
      outcome: 'failed',
      reason: `recovery failed: ${describeError(error)}`,
    };
  }
  // Before the rename nothing had changed on the engine: there was nothing to roll back.
  if (result.outcome === 'rolled-back' && !canTransition(record.state, 'rolled-back')) {
    return { ...result, outcome: 'failed', reason: `${result.reason}; it was interrupted before any change` };
  }
  return result;
}

async function recoverOne(engine: Engine, record: UpdateRecord): Promise<RecoveryResult> {
  const name = record.containerName;
  const original = await engine.inspectContainer(record.containerId);
  const interrupted = `Tidewatch stopped during the update (at ${record.state})`;

  if (record.strategy === 'start-first') {
    const successor = record.newContainerId
      ? await engine.inspectContainer(record.newContainerId)
      : undefined;
    if (record.state === 'old-renamed' && successor) {
      // The handover had begun, so the new container was verified: finish the handover.
      if (original) await engine.removeContainer(original.id, { force: true });
      if (successor.name !== name) await engine.renameContainer(successor.id, name);
      if (record.wasRunning !== false) await engine.startContainer(successor.id);
      return {
        container: name,
        outcome: 'committed',
        reason: `${interrupted}; finished the handover to the verified container`,
      };
    }
    // Before the handover the original never stopped: remove the temporary new container(s).
    for (const row of await engine.listContainers({ all: true })) {
      if (isStartingCopy(row.name, name) || row.id === record.newContainerId) {
        await engine.removeContainer(row.id, { force: true });
      }
    }
  }
  const holder = await engine.inspectContainer(name);

  if (original) {
    // The update never committed: whatever else holds the name, or was recorded as the new
    // container, is the unverified new container.
    const strays = new Set<string>();
    if (holder && holder.id !== original.id) strays.add(holder.id);
    if (record.newContainerId !== null && record.newContainerId !== original.id)
      strays.add(record.newContainerId);
    for (const id of strays) await engine.removeContainer(id, { force: true });
    if (original.name !== name) await engine.renameContainer(original.id, name);
    // As it was: a stopped container updated under --include-stopped stays stopped.
    if (record.wasRunning !== false) await engine.startContainer(original.id);
    return {
      container: name,
      outcome: 'rolled-back',
      reason: `${interrupted}; the original container is back`,
    };
  }
  if (holder) {
    // The original was removed, which happens only after the new container was verified.
    if (record.wasRunning !== false) await engine.startContainer(holder.id);
    return {
      container: name,
      outcome: 'committed',
      reason: `${interrupted} after the new container was verified`,
    };
  }
  return {
    container: name,
    outcome: 'failed',
    reason: `${interrupted}; neither the original nor a new container exists`,
  };
}
