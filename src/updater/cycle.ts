import type { HookPhase, Settings } from '../config/index.js';
import type { Engine } from '../engine/index.js';
import type { ContainerInventory } from '../inventory/index.js';
import type { CredentialStore, RegistryClient } from '../registry/index.js';
import type { Logger } from '../log/index.js';
import type { Store, UpdateTrigger } from '../store/index.js';
import type { ContainerSummary, ImageMatcher } from '../domain/index.js';
import type { EventBus } from '../events/index.js';
import { systemClock, type Clock } from '../domain/clock.js';
import type { PolicyReader } from '../store/index.js';
import { applyUpdates } from './apply-updates.js';
import { isTidewatchCopy, reconcile } from './reconcile.js';
import { checkContainers, type CheckResult } from './check.js';
import { holdBack, withPolicies, type ScheduleGate } from './cycle-policy.js';
import { readingPolicyState, recordingPolicyState } from './policy-state.js';
import { runHook } from './lifecycle-hooks.js';
import { isInScope, selectContainers, type Selection } from './select.js';
import { runServiceCycle, type SwarmEngine } from '../swarm/index.js';
import { composeCheckNotes } from '../compose/index.js';

export interface CycleDeps {
  readonly engine: Engine;
  readonly registry: RegistryClient;
  readonly credentials: CredentialStore;
  readonly logger: Logger;
  readonly settings: Readonly<Settings>;
  /** The container this process runs in, if any: never touched by a cycle. */
  readonly selfId?: string | undefined;
  /** The journal, history and remembered bad digests; `check` runs without one. */
  readonly store?: Store | undefined;
  /** Test-only: called after each journal write, to kill the process at a named step. */
  readonly afterJournal?: ((step: string) => void) | undefined;
  /** Where the cycle says what it saw; the journal's steps reach it through observeJournal. */
  readonly events?: EventBus | undefined;
  /** The time cooldowns, windows and approval deadlines are decided at; default the system clock. */
  readonly clock?: Clock | undefined;
  /** `check`: the store's approvals and first sightings, read-only (check opens no store). */
  readonly policyReader?: PolicyReader | undefined;
  /** Per-container schedules (`tidewatch.schedule`): whose own cron fired (see cycle-policy.ts). */
  readonly schedules?: ScheduleGate | undefined;
  /** Asks for a run of `names` at `at` (epoch ms): when a window opens or a cooldown ends. */
  readonly wakeAt?: ((names: readonly string[], at: number) => void) | undefined;
  /** Swarm services, when the engine is a manager (src/swarm); undefined: not watched. */
  readonly swarm?: SwarmEngine | undefined;
  /** `run`: container details kept between cycles, from the engine's events (src/inventory). */
  readonly inventory?: ContainerInventory | undefined;
  /**
   * Given the container Tidewatch runs in at the end of every full update run, after the other
   * containers: the self-update (src/self-update), which never happens inside the cycle itself.
   */
  readonly onSelf?: ((self: ContainerSummary, signal: AbortSignal) => Promise<void>) | undefined;
}

export interface CycleOptions {
  /** Only these containers; all when empty. */
  readonly names: readonly string[];
  /** false: check only, change nothing. */
  readonly update: boolean;
  readonly signal: AbortSignal;
  /** Asked before each update; true stops the cycle after the container in flight (shutdown). */
  readonly shouldStop?: () => boolean;
  /** What started this cycle, for the history. */
  readonly trigger?: UpdateTrigger;
  /** A targeted run: only containers on these images (see imageMatcher); the others are not reported. */
  readonly images?: ImageMatcher | undefined;
}

export type UpdateAction = 'updated' | 'rolled-back' | 'failed' | 'skipped' | 'monitor-only' | 'not-started';

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

const RUNNING = new Set(['running', 'restarting']);

/** One cycle: list, select, check every watched container, then update what needs it, in order. */
export async function runCycle(deps: CycleDeps, options: CycleOptions): Promise<CycleReport> {
  const { engine, settings, logger, events } = deps;
  const trigger = options.trigger ?? 'cli';
  const started = Date.now();
  events?.emit({ type: 'check-started', trigger, names: options.names });
  // Before anything changes: finish or undo what an interrupted run left (src/updater/reconcile.ts).
  if (options.update && deps.store) {
    await reconcile({
      engine,
      journal: deps.store.journal,
      plans: deps.store.plans,
      logger,
      scope: settings.scope,
      afterJournal: deps.afterJournal,
    });
  }
  // Tidewatch's own parked and temporary copies are the reconciler's, never ordinary containers.
  const containers = (await engine.listContainers({ all: true })).filter((c) => !isTidewatchCopy(c.name));
  // The list is the inventory's re-list: what is gone or changed is inspected again.
  deps.inventory?.reconcile(containers);
  const { selections, missing } = selectContainers(containers, {
    ...settings,
    names: options.names,
    selfId: deps.selfId,
  });

  const entries = new Map<string, CycleEntry>();
  for (const name of missing) {
    entries.set(name, { name, id: '', image: '', status: 'unknown', reason: 'no such container' });
  }
  const watched = selections.filter((selection) => selection.kind === 'watch');
  const policies = withPolicies(watched, settings, { ...options, trigger }, deps.schedules);
  for (const entry of policies.invalid) if (!options.images) entries.set(entry.name, entry);
  // Hooks run for the containers this run checks (not those left to their own schedule).
  const inRun = new Set(policies.watched.map((container) => container.name));
  const hooked = watched.filter((selection) => inRun.has(selection.container.name));
  for (const selection of selections) {
    if (selection.kind === 'watch' || options.images) continue;
    const { container } = selection;
    const status = selection.kind === 'skip' ? 'skipped' : 'unknown';
    entries.set(container.name, {
      name: container.name,
      id: container.id,
      image: '',
      status,
      reason: selection.reason,
    });
  }

  if (options.update) await runHooks(deps, hooked, 'pre-check');
  const registry = deps.registry.session();
  const checked = await checkContainers(
    {
      engine,
      registry,
      logger,
      noPull: settings.noPull,
      signal: options.signal,
      onlyImages: options.images,
      inventory: deps.inventory,
    },
    policies.watched,
  );
  for (const { result } of checked) entries.set(result.name, result);
  const policyState =
    options.update && deps.store !== undefined
      ? recordingPolicyState(deps.store)
      : readingPolicyState(deps.store, deps.policyReader);
  const { held, approvals } = await holdBack(
    deps,
    {
      update: options.update,
      now: (deps.clock ?? systemClock)(),
      state: policyState,
      registry,
      signal: options.signal,
    },
    checked,
    entries,
  );
  // Compose services: say when the compose file is out of reach or a tag move lacks write-back.
  composeCheckNotes(settings, checked, entries);
  for (const entry of entries.values()) {
    logDecision(logger, entry);
    events?.emit({
      type: 'container-checked',
      container: entry.name,
      image: entry.image,
      status: entry.status,
      currentDigest: entry.currentDigest,
      latestDigest: entry.latestDigest,
      reason: entry.reason,
      policy: entry.policy,
      currentTag: entry.currentTag,
      latestTag: entry.latestTag,
      waitingFor: entry.waitingFor,
    });
  }

  if (options.update) {
    // Dependents may be unwatched, or stopped, but never another instance's (outside this scope).
    const inScope = containers.filter((container) => isInScope(container.labels, settings.scope));
    await applyUpdates(deps, options, checked, inScope, entries, held);
    for (const [name, id] of approvals)
      if (entries.get(name)?.action === 'updated') policyState.markApplied(id);
    await runHooks(deps, hooked, 'post-check');
    const self = containers.find((container) => container.id === deps.selfId);
    const full = options.names.length === 0 && options.images === undefined;
    if (self !== undefined && full && options.shouldStop?.() !== true)
      await deps.onSelf?.(self, options.signal);
  }
  // Swarm services (src/swarm), after the containers: added to the report as `service:NAME`.
  await runServiceCycle(deps, { ...options, trigger }, registry, entries);

  const all = [...entries.values()].sort((a, b) => a.name.localeCompare(b.name));
  const report = {
    entries: all,
    updated: all.filter((entry) => entry.action === 'updated').length,
    failed: all.filter(
      (entry) => entry.status === 'unknown' || entry.action === 'failed' || entry.action === 'rolled-back',
    ).length,
  };
  events?.emit({
    type: 'check-finished',
    trigger,
    checked: all.length,
    updated: report.updated,
    failed: report.failed,
    durationMs: Date.now() - started,
  });
  return report;
}

/**
 * pre-check and post-check hooks, one container at a time as Watchtower ran them. Their failures
 * are logged and change nothing else: they are the container's business. `check` runs none.
 */
async function runHooks(
  deps: CycleDeps,
  watched: ReadonlyArray<Extract<Selection, { kind: 'watch' }>>,
  phase: HookPhase,
): Promise<void> {
  if (!deps.settings.lifecycleHooks) return;
  for (const { container, labels } of watched) {
    if (labels.hooks[phase] === undefined) continue;
    // After an update the old id is gone: the name finds the container that runs now.
    const current = await deps.engine.inspectContainer(container.name);
    if (current && RUNNING.has(current.state))
      await runHook(deps.engine, deps.logger, current.id, labels.hooks, phase);
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
