import type { Settings } from '../config/index.js';
import type { Engine } from '../engine/index.js';
import type { CredentialStore, RegistryClient } from '../registry/index.js';
import type { Logger } from '../log/index.js';
import { checkContainers, type CheckedContainer, type CheckResult } from './check.js';
import { orderByDependencies } from './dependency-order.js';
import { selectContainers } from './select.js';
import { updateContainer } from './update-container.js';

export interface CycleDeps {
  readonly engine: Engine;
  readonly registry: RegistryClient;
  readonly credentials: CredentialStore;
  readonly logger: Logger;
  readonly settings: Readonly<Settings>;
}

export interface CycleOptions {
  /** Only these containers; all when empty. */
  readonly names: readonly string[];
  /** false: check only, change nothing. */
  readonly update: boolean;
  readonly signal: AbortSignal;
  /** Asked before each update; true stops the cycle after the container in flight (shutdown). */
  readonly shouldStop?: () => boolean;
}

export type UpdateAction = 'updated' | 'failed' | 'monitor-only' | 'not-started';

export interface CycleEntry extends CheckResult {
  /** What the cycle did about an available update (update mode only). */
  readonly action?: UpdateAction | undefined;
}

export interface CycleReport {
  readonly entries: readonly CycleEntry[];
  readonly updated: number;
  /** Containers whose check or update failed: `once` exits 1 when this is not zero. */
  readonly failed: number;
}

/** One cycle: list, select, check every watched container, then update what needs it, in order. */
export async function runCycle(deps: CycleDeps, options: CycleOptions): Promise<CycleReport> {
  const { engine, settings, logger } = deps;
  const containers = await engine.listContainers({ all: true });
  const { selections, missing } = selectContainers(containers, { ...settings, names: options.names });

  const entries = new Map<string, CycleEntry>();
  for (const name of missing) {
    entries.set(name, { name, id: '', image: '', status: 'unknown', reason: 'no such container' });
  }
  const watched = [];
  for (const selection of selections) {
    const { container } = selection;
    if (selection.kind === 'watch') watched.push({ ...container, labels: selection.labels });
    else {
      const status = selection.kind === 'skip' ? 'skipped' : 'unknown';
      entries.set(container.name, {
        name: container.name,
        id: container.id,
        image: '',
        status,
        reason: selection.reason,
      });
    }
  }

  const checked = await checkContainers(
    { engine, registry: deps.registry.session(), logger, noPull: settings.noPull, signal: options.signal },
    watched,
  );
  for (const { result } of checked) entries.set(result.name, result);
  for (const entry of entries.values()) logDecision(logger, entry);

  if (options.update) await updateAvailable(deps, options, checked, entries);

  const all = [...entries.values()].sort((a, b) => a.name.localeCompare(b.name));
  return {
    entries: all,
    updated: all.filter((entry) => entry.action === 'updated').length,
    failed: all.filter((entry) => entry.status === 'unknown' || entry.action === 'failed').length,
  };
}

async function updateAvailable(
  deps: CycleDeps,
  options: CycleOptions,
  checked: readonly CheckedContainer[],
  entries: Map<string, CycleEntry>,
): Promise<void> {
  const { settings, logger } = deps;
  const candidates = new Map<string, CheckedContainer>();
  for (const item of checked) {
    if (
      item.result.status !== 'update-available' ||
      !item.details ||
      !item.ref ||
      !item.image ||
      !item.labels
    )
      continue;
    if (settings.monitorOnly || item.labels.monitorOnly) {
      entries.set(item.result.name, { ...item.result, action: 'monitor-only' });
      continue;
    }
    candidates.set(item.result.name, item);
  }

  const { order, cycles } = orderByDependencies(
    new Map([...candidates].map(([name, item]) => [name, item.labels?.dependsOn ?? []])),
  );
  for (const [name, loop] of cycles) {
    const item = candidates.get(name);
    if (item) entries.set(name, { ...item.result, action: 'failed', reason: `dependency cycle: ${loop}` });
  }

  for (const name of order) {
    const item = candidates.get(name);
    if (!item?.details || !item.ref || !item.image || !item.labels) continue;
    if (options.shouldStop?.() === true) {
      entries.set(name, { ...item.result, action: 'not-started', reason: 'shutting down' });
      continue;
    }
    const outcome = await updateContainer(deps, {
      details: item.details,
      ref: item.ref,
      oldImage: item.image,
      digest: settings.noPull || item.labels.noPull ? undefined : item.result.latestDigest,
      stopTimeoutMs: settings.stopTimeoutMs,
      stopSignal: item.labels.stopSignal,
      revive: settings.reviveStopped,
      cleanup: settings.cleanup,
      signal: options.signal,
    });
    entries.set(
      name,
      outcome.kind === 'updated'
        ? { ...item.result, action: 'updated' }
        : { ...item.result, action: 'failed', reason: outcome.reason },
    );
    if (outcome.kind === 'failed') logger.error({ container: name, reason: outcome.reason }, 'update failed');
  }
}

function logDecision(logger: Logger, entry: CycleEntry): void {
  const fields = {
    container: entry.name,
    image: entry.image || undefined,
    current: entry.currentDigest,
    latest: entry.latestDigest,
    reason: entry.reason,
  };
  switch (entry.status) {
    case 'current':
      logger.info(fields, 'up to date');
      return;
    case 'update-available':
      logger.info(fields, 'update available');
      return;
    case 'skipped':
      logger.info(fields, 'skipped');
      return;
    case 'unknown':
      logger.warn(fields, 'could not check');
      return;
  }
}
