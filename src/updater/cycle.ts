import { byCodePoint } from '../domain/index.js';
import type { HookPhase } from '../config/index.js';
import type { Logger } from '../log/index.js';
import { systemClock } from '../domain/clock.js';
import { applyUpdates } from './apply-updates.js';
import { isTidewatchCopy } from './copies.js';
import { reconcile, reconcileNames } from './reconcile.js';
import { checkContainers } from './check.js';
import type { CycleEntry, CycleReport, UpdateAction } from '../domain/run.js';
import { withPolicies } from './cycle-policy.js';
import { SIGNATURE_REFUSED, holdBack, readingPolicyState, recordingPolicyState } from '../pipeline/index.js';
import { runHook } from './lifecycle-hooks.js';
import { isInScope, selectContainers, type Selection } from './select.js';
import { runServiceCycle } from '../swarm/index.js';
import type { CycleDeps, CycleOptions } from './cycle-deps.js';

export type { CycleDeps, CycleOptions };
export type { UpdateAction, CycleEntry, CycleReport };

const RUNNING = new Set(['running', 'restarting']);

/** One cycle: list, select, check every watched container, then update what needs it, in order. */
export async function runCycle(deps: CycleDeps, options: CycleOptions): Promise<CycleReport> {
  const { engine, settings, logger, events } = deps;
  const trigger = options.trigger ?? 'cli';
  const started = Date.now();
  events?.emit({
    type: 'check-started',
    trigger,
    names: options.names,
    ...(options.images !== undefined && { targeted: true as const }),
  });
  // Before anything changes: finish or undo what an interrupted run left (src/updater/reconcile.ts).
  if (options.update && deps.store) {
    await reconcile({
      engine,
      journal: deps.store.journal,
      plans: deps.store.plans,
      logger,
      scope: settings.scope,
      names: reconcileNames(options.names, settings.containers),
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
      trigger,
    },
    checked,
    entries,
  );
  // Compose services: say when the compose file is out of reach or a tag move lacks write-back.
  deps.compose?.checkNotes(settings, checked, entries);
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
      releaseLinks: entry.releaseLinks,
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
  await runServiceCycle(deps, { ...options, trigger }, { registry, policyState }, entries);

  const all = [...entries.values()].sort((a, b) => byCodePoint(a.name, b.name));
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
      logger.warn(
        fields,
        entry.reason?.startsWith(SIGNATURE_REFUSED) ? 'signature refused' : 'could not check',
      );
      return;
  }
}
