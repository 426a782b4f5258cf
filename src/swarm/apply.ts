import { describeError } from '../domain/errors.js';
import { byCodePoint, type ImageRef } from '../domain/index.js';
import type { Store } from '../store/index.js';
import type { CycleEntry } from '../domain/run.js';
import type { CheckedService } from './check.js';
import type { ServiceCycleDeps, ServiceCycleOptions } from './cycle-deps.js';
import { updateService, type ServiceOutcome, type ServiceUpdateDeps } from './update.js';

const IN_PROGRESS = new Set(['updating', 'rollback_started']);
const PAUSED = new Set(['paused', 'rollback_paused']);

export interface UpdateAllInput extends Pick<ServiceUpdateDeps, 'swarm' | 'clock' | 'sleep' | 'pollMs'> {
  readonly deps: ServiceCycleDeps;
  readonly options: ServiceCycleOptions;
  readonly journal: Store['journal'] | undefined;
  readonly checked: readonly CheckedService[];
  /** Records what the update did in the report (reported already: the outcome is in the journal's events). */
  readonly set: (entry: CycleEntry) => void;
}

/** One service at a time, as containers: a cluster never has two of Tidewatch's rolling updates at once. */
export async function applyServiceUpdates(input: UpdateAllInput): Promise<void> {
  const { deps, options, checked, set } = input;
  const { settings } = deps;
  const candidates = checked
    .filter((item) => item.result.status === 'update-available' && item.result.latestDigest !== undefined)
    .sort((a, b) => byCodePoint(a.result.name, b.result.name));
  for (const item of candidates) {
    const { result, labels, ref } = item;
    const digest = result.latestDigest;
    if (ref === undefined || digest === undefined) continue;
    if (settings.monitorOnly || labels?.monitorOnly === true) {
      set({ ...result, action: 'monitor-only' });
      continue;
    }
    const skip = skipReason(deps, item, digest);
    if (skip !== undefined) {
      set({ ...result, action: 'skipped', reason: skip });
      continue;
    }
    if (options.shouldStop?.() === true) {
      set({ ...result, action: 'not-started', reason: 'shutting down' });
      continue;
    }
    const outcome = await updateOne(input, item, ref, digest);
    switch (outcome.kind) {
      case 'updated':
        set({ ...result, action: 'updated' });
        break;
      case 'rolled-back':
      case 'failed':
        set({ ...result, action: outcome.kind, reason: outcome.reason });
        break;
      case 'detached':
        set({ ...result, reason: outcome.reason });
        break;
    }
  }
}

async function updateOne(
  input: UpdateAllInput,
  item: CheckedService,
  ref: ImageRef,
  digest: string,
): Promise<ServiceOutcome> {
  const { deps, options } = input;
  const { settings } = deps;
  try {
    return await updateService(
      {
        swarm: input.swarm,
        clock: input.clock,
        sleep: input.sleep,
        pollMs: input.pollMs,
        credentials: deps.credentials,
        logger: deps.logger,
        journal: input.journal,
        badDigests: input.journal ? deps.store?.badDigests : undefined,
        afterJournal: deps.afterJournal,
        defaults: {
          order: settings.swarmUpdateOrder,
          failureAction: settings.swarmFailureAction,
          monitorMs: settings.swarmMonitorMs,
        },
        timeoutMs: settings.swarmTimeoutMs,
      },
      {
        subject: item.result.name,
        service: item.service,
        ref,
        target: item.target,
        digest,
        trigger: options.trigger,
        signal: options.signal,
        shouldStop: options.shouldStop,
      },
    );
  } catch (error) {
    // The engine failed while Tidewatch followed: an unfinished journal row is finished by the next cycle.
    const reason = describeError(error);
    deps.logger.error({ service: item.result.name, reason }, 'service update failed');
    return { kind: 'failed', reason };
  }
}

/** Why an available update is not applied now: a digest the swarm rolled back, or the swarm busy with it. */
function skipReason(deps: ServiceCycleDeps, item: CheckedService, digest: string): string | undefined {
  const { name } = item.result;
  const bad = deps.store?.badDigests.list(name).find((entry) => entry.digest === digest);
  if (bad)
    return `this digest was rolled back before (${bad.reason}); run "tidewatch forget ${name}" to try it again`;
  const status = item.service.updateStatus;
  if (status !== undefined && IN_PROGRESS.has(status.state)) {
    return `the swarm is already updating it (${status.state}: ${status.message})`;
  }
  if (status !== undefined && PAUSED.has(status.state)) {
    return `its last update is ${status.state} (${status.message}): resume it with docker service update or undo it with docker service rollback`;
  }
  return undefined;
}
