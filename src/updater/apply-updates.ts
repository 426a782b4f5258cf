import pLimit from 'p-limit';
import type { ContainerDetails, ContainerSummary } from '../domain/index.js';
import { readDependsOnLabel } from '../config/index.js';
import type { CheckedContainer } from './check.js';
import type { CycleDeps, CycleEntry, CycleOptions } from './cycle.js';
import { buildDependencyGraph, type DependencyNode } from './dependency-graph.js';
import { restartDependents, stopDependents } from './dependents.js';
import { runHook } from './lifecycle-hooks.js';
import { type Proceed } from './update-container.js';
import { updateComposeAware, withComposeDependsOn } from '../compose/index.js';

type Entries = Map<string, CycleEntry>;

/**
 * Applies the available updates, one container at a time and each after what it depends on.
 * Containers that depend on an updated one are stopped before it stops and brought back after it
 * starts; one sharing its network namespace is recreated to join the new container.
 */
export async function applyUpdates(
  deps: CycleDeps,
  options: CycleOptions,
  checked: readonly CheckedContainer[],
  running: readonly ContainerSummary[],
  entries: Entries,
  /** Updates a policy holds back (see cycle-policy.ts): already reported, never applied here. */
  held: ReadonlySet<string> = new Set(),
): Promise<void> {
  const { settings, logger, engine } = deps;
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

  const graph = buildDependencyGraph(await dependencyNodes(deps, checked, running));
  for (const [name, loop] of graph.cycles) {
    const item = candidates.get(name);
    if (item) entries.set(name, { ...item.result, action: 'failed', reason: `dependency cycle: ${loop}` });
  }

  for (const name of graph.order) {
    const item = candidates.get(name);
    if (!item?.ref || !item.image || !item.labels) continue;
    if (options.shouldStop?.() === true) {
      entries.set(name, { ...item.result, action: 'not-started', reason: 'shutting down' });
      continue;
    }
    // Re-read: restarting or recreating a dependent earlier in this cycle may have changed it.
    const details = await engine.inspectContainer(name);
    if (!details) {
      entries.set(name, {
        ...item.result,
        action: 'failed',
        reason: 'the container disappeared during the cycle',
      });
      continue;
    }
    const digest = settings.noPull || item.labels.noPull ? undefined : item.result.latestDigest;
    const bad =
      digest !== undefined
        ? deps.store?.badDigests.list(name).find((entry) => entry.digest === digest)
        : undefined;
    if (bad) {
      entries.set(name, {
        ...item.result,
        action: 'skipped',
        reason: `this digest was rolled back before (${bad.reason}); run "tidewatch forget ${name}" to try it again`,
      });
      continue;
    }
    const hooks = settings.lifecycleHooks ? item.labels.hooks : {};
    const isRunning = details.state === 'running';
    const stopped: ContainerDetails[] = [];
    const dependentsDeps = { engine, logger, stopTimeoutMs: settings.stopTimeoutMs };

    // Compose services go through compose where it owns them (src/compose); others as usual.
    const outcome = await updateComposeAware(
      {
        ...deps,
        journal: deps.store?.journal,
        badDigests: deps.store?.badDigests,
        history: deps.store?.history,
      },
      {
        details,
        ref: item.ref,
        oldImage: item.image,
        digest,
        trigger: options.trigger ?? 'cli',
        strategy: item.labels.strategy ?? settings.strategy,
        drainMs: item.labels.drainMs ?? settings.drainMs,
        hasDependents: graph.dependentsOf(name).length > 0,
        targetRef: item.target,
        verify: {
          timeoutMs: item.labels.verify.timeoutMs ?? settings.verifyTimeoutMs,
          windowMs: item.labels.verify.windowMs ?? settings.verifyWindowMs,
          command: item.labels.verify.command,
          httpUrl: item.labels.verify.httpUrl,
        },
        currentDigest: item.result.currentDigest,
        stopTimeoutMs: settings.stopTimeoutMs,
        stopSignal: item.labels.stopSignal,
        revive: settings.reviveStopped,
        cleanup: settings.cleanup,
        keepImages: settings.keepImages,
        signal: options.signal,
        beforeChange: async (): Promise<Proceed> => {
          if (!isRunning) return { go: true };
          const hook = await runHook(engine, logger, details.id, hooks, 'pre-update');
          if (hook.kind === 'skip') return { go: false, skip: true, reason: hook.reason };
          if (hook.kind === 'failed') return { go: false, skip: false, reason: hook.reason };
          return { go: true };
        },
        beforeStop: () => stopDependents(dependentsDeps, graph.dependentsOf(name), stopped),
      },
    );

    const newId = outcome.kind === 'updated' ? outcome.newId : details.id;
    for (const result of await restartDependents(dependentsDeps, stopped, {
      oldId: details.id,
      newId,
      name,
    })) {
      if (result.action === 'failed') markFailed(entries, result.name, result.reason ?? 'failed');
    }

    switch (outcome.kind) {
      case 'updated': {
        const post = await runHook(engine, logger, name, hooks, 'post-update');
        const reason = post.kind === 'failed' ? post.reason : undefined;
        entries.set(name, { ...item.result, action: 'updated', reason });
        break;
      }
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
        break;
      case 'rolled-back':
        entries.set(name, { ...item.result, action: 'rolled-back', reason: outcome.reason });
        logger.warn({ container: name, reason: outcome.reason }, 'rolled back');
        break;
      case 'failed':
        entries.set(name, { ...item.result, action: 'failed', reason: outcome.reason });
        logger.error({ container: name, reason: outcome.reason }, 'update failed');
        break;
    }
  }
}

/**
 * Every running container can depend on an updated one, watched or not (a container in another's
 * network namespace must follow it whatever its labels say), so all of them are graph nodes, plus
 * the candidates that are not running (with --include-stopped).
 */
async function dependencyNodes(
  deps: CycleDeps,
  checked: readonly CheckedContainer[],
  running: readonly ContainerSummary[],
): Promise<DependencyNode[]> {
  const details = new Map<string, ContainerDetails>();
  for (const item of checked) if (item.details) details.set(item.details.name, item.details);
  const limit = pLimit(8);
  const unknown = running.filter((summary) => !details.has(summary.name));
  const inspected = await Promise.all(
    unknown.map((summary) => limit(() => deps.engine.inspectContainer(summary.id))),
  );
  for (const container of inspected) if (container) details.set(container.name, container);
  return [...details.values()].map((container) => ({
    name: container.name,
    id: container.id,
    labels: withComposeDependsOn(container.config.Labels ?? {}),
    dependsOn: readDependsOnLabel(container.config.Labels ?? {}),
    links: container.hostConfig.Links ?? [],
    networkMode: container.hostConfig.NetworkMode,
  }));
}

function markFailed(entries: Entries, name: string, reason: string): void {
  const entry = entries.get(name);
  entries.set(
    name,
    entry
      ? { ...entry, action: 'failed', reason }
      : { name, id: '', image: '', status: 'current', action: 'failed', reason },
  );
}
