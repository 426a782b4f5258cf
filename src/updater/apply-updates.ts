import type { ContainerDetails, ContainerSummary } from '../domain/index.js';
import { dependencies, freshDependents } from './group-of.js';
import type { CheckedContainer } from './check.js';
import type { CycleDeps, CycleOptions } from './cycle-deps.js';
import type { CycleEntry } from '../domain/run.js';
import { planGroup } from './group.js';
import { runHook } from './lifecycle-hooks.js';
import { reconcile, reconcileNames } from './reconcile.js';
import { updateSettingsFor } from './update-settings.js';
import { updateContainer, type MemberUpdate, type Proceed, type UpdateResult } from './update-container.js';

type Entries = Map<string, CycleEntry>;

/**
 * Applies the available updates, one group at a time and each after what it depends on. A group
 * is an updated container and every container bound to it (see planGroup): they change together,
 * in one journaled plan, and a dependent with an update of its own gets it in the same plan.
 */
export async function applyUpdates(
  deps: CycleDeps,
  options: CycleOptions,
  checked: readonly CheckedContainer[],
  inScope: readonly ContainerSummary[],
  entries: Entries,
  /** Updates a policy holds back (see cycle-policy.ts): already reported, never applied here. */
  held: ReadonlySet<string> = new Set(),
): Promise<void> {
  const { settings } = deps;
  const candidates = new Map<string, CheckedContainer>();
  for (const item of checked) {
    if (item.result.status !== 'update-available' || !item.labels || held.has(item.result.name)) continue;
    if (settings.monitorOnly || item.labels.monitorOnly) {
      entries.set(item.result.name, { ...item.result, action: 'monitor-only' });
      continue;
    }
    candidates.set(item.result.name, item);
  }
  if (candidates.size === 0) return;

  const { graph, details } = await dependencies(deps, checked, inScope);
  for (const [name, loop] of graph.cycles) {
    const item = candidates.get(name);
    if (!item) continue;
    const reason = `dependency cycle: ${loop}; no container on it is updated until the cycle is broken`;
    entries.set(name, { ...item.result, action: 'failed', reason });
    deps.logger.error({ container: name, reason }, 'update failed');
    recordFailure(deps, item, reason, options);
  }

  const done = new Set<string>();
  for (const name of graph.order) {
    const item = candidates.get(name);
    if (!item?.ref || !item.image || !item.labels || done.has(name)) continue;
    if (options.shouldStop?.() === true || options.signal.aborted) {
      entries.set(name, { ...item.result, action: 'not-started', reason: 'shutting down' });
      continue;
    }
    // Re-read: an earlier group of this cycle may have recreated or restarted it.
    const current = await deps.engine.inspectContainer(name);
    if (!current) {
      entries.set(name, {
        ...item.result,
        action: 'failed',
        reason: 'the container disappeared during the cycle',
      });
      continue;
    }
    const skip = badDigestReason(deps, item);
    if (skip) {
      entries.set(name, { ...item.result, action: 'skipped', reason: skip });
      continue;
    }
    const dependents = await freshDependents(deps, graph.dependentsOf(name), details);
    const updates = new Map<string, MemberUpdate>();
    for (const dependent of dependents) {
      const own = candidates.get(dependent.name);
      if (own && !done.has(dependent.name) && !badDigestReason(deps, own)) {
        const update = memberUpdate(deps, own, dependent);
        if (update) updates.set(dependent.name, update);
      }
    }
    const members = planGroup(current, dependents, new Set(updates.keys())).slice(1);
    for (const member of members) if (member.role === 'update') done.add(member.details.name);
    done.add(name);

    const outcome = await updateOne(deps, options, item, current, { members, updates });
    report(deps, entries, item, outcome);
    for (const member of members) {
      const own = candidates.get(member.details.name);
      const memberOutcome =
        outcome.kind === 'skipped' ? undefined : outcome.members?.get(member.details.name);
      if (own && memberOutcome) report(deps, entries, own, memberOutcome);
    }
    // A plan the engine kept from finishing or undoing is repaired as soon as it can be.
    if (outcome.kind === 'failed' && deps.store) {
      await reconcile({
        ...deps,
        journal: deps.store.journal,
        plans: deps.store.plans,
        scope: settings.scope,
        names: reconcileNames(options.names, settings.containers),
      });
    }
  }
}

async function updateOne(
  deps: CycleDeps,
  options: CycleOptions,
  item: CheckedContainer,
  details: ContainerDetails,
  group: { members: ReturnType<typeof planGroup>; updates: ReadonlyMap<string, MemberUpdate> },
): Promise<UpdateResult> {
  const { settings, logger, engine } = deps;
  const labels = item.labels;
  const update = memberUpdate(deps, item, details);
  if (!labels || !update) return { kind: 'failed', reason: 'nothing to update' };
  const own = updateSettingsFor(labels, settings);
  const hooks = settings.lifecycleHooks ? labels.hooks : {};
  // Compose services go through compose where it owns them (src/compose); others as usual.
  const updateMember = deps.compose?.update ?? updateContainer;
  const outcome = await updateMember(
    {
      ...deps,
      journal: deps.store?.journal,
      plans: deps.store?.plans,
      badDigests: deps.store?.badDigests,
      history: deps.store?.history,
    },
    {
      ...update,
      trigger: options.trigger ?? 'cli',
      strategy: own.strategy,
      drainMs: own.drainMs,
      group,
      stopTimeoutMs: own.stopTimeoutMs,
      revive: settings.reviveStopped,
      cleanup: settings.cleanup,
      keepImages: settings.keepImages,
      signal: options.signal,
      beforeChange: async (): Promise<Proceed> => {
        if (details.state !== 'running') return { go: true };
        const hook = await runHook(engine, logger, details.id, hooks, 'pre-update');
        if (hook.kind === 'skip') return { go: false, skip: true, reason: hook.reason };
        if (hook.kind === 'failed') return { go: false, skip: false, reason: hook.reason };
        return { go: true };
      },
    },
  );
  if (outcome.kind === 'updated') {
    const post = await runHook(engine, logger, details.name, hooks, 'post-update');
    if (post.kind === 'failed') return { ...outcome, reason: post.reason };
  }
  return outcome;
}

/** What a checked container's own update is, from the check and its labels. */
function memberUpdate(
  deps: CycleDeps,
  item: CheckedContainer,
  details: ContainerDetails,
): MemberUpdate | undefined {
  const { settings } = deps;
  if (!item.ref || !item.image || !item.labels) return undefined;
  const own = updateSettingsFor(item.labels, settings);
  return {
    details,
    ref: item.ref,
    oldImage: item.image,
    digest: settings.noPull ? undefined : item.result.latestDigest,
    currentDigest: item.result.currentDigest,
    targetRef: item.target,
    stopSignal: own.stopSignal,
    verify: own.verify,
  };
}

function badDigestReason(deps: CycleDeps, item: CheckedContainer): string | undefined {
  const name = item.result.name;
  // With --no-pull the latest "digest" is the local tag's image id, as remembered on a rollback.
  const digest = item.result.latestDigest;
  const bad =
    digest === undefined
      ? undefined
      : deps.store?.badDigests.list(name).find((entry) => entry.digest === digest);
  return bad
    ? `this digest was rolled back before (${bad.reason}); run "tidewatch forget ${name}" to try it again`
    : undefined;
}

function report(deps: CycleDeps, entries: Entries, item: CheckedContainer, outcome: UpdateResult): void {
  const name = item.result.name;
  switch (outcome.kind) {
    case 'updated':
      entries.set(name, { ...item.result, action: 'updated', reason: outcome.reason });
      return;
    case 'skipped':
      entries.set(name, { ...item.result, action: 'skipped', reason: outcome.reason });
      // A pre-update hook said "not now" (exit 75): nothing was journaled, so say it here.
      deps.events?.emit({
        type: 'update-skipped',
        container: name,
        image: item.result.image,
        toDigest: item.result.latestDigest,
        reason: outcome.reason,
      });
      return;
    case 'rolled-back':
      entries.set(name, { ...item.result, action: 'rolled-back', reason: outcome.reason });
      deps.logger.warn({ container: name, reason: outcome.reason }, 'rolled back');
      return;
    case 'failed':
      entries.set(name, { ...item.result, action: 'failed', reason: outcome.reason });
      deps.logger.error({ container: name, reason: outcome.reason }, 'update failed');
      return;
  }
}

/** A failure that happened before any update began still belongs in the history. */
function recordFailure(deps: CycleDeps, item: CheckedContainer, reason: string, options: CycleOptions): void {
  const journal = deps.store?.journal;
  const details = item.details;
  if (!journal || !details) return;
  const id = journal.plan({
    containerName: details.name,
    containerId: details.id,
    image: item.result.image || details.imageId,
    trigger: options.trigger ?? 'cli',
    strategy: 'stop-first',
    fromDigest: item.result.currentDigest,
    toDigest: item.result.latestDigest,
    fromImageId: details.imageId,
  });
  journal.finish(id, 'failed', { reason });
}
