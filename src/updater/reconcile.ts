import { describeError } from '../domain/errors.js';
import type { ContainerSummary } from '../domain/index.js';
import type { Engine } from '../engine/index.js';
import type { Logger } from '../log/index.js';
import type { Journal, PlanRecord, Plans } from '../store/index.js';
import { isServiceSubject } from '../swarm/index.js';
import { recoverLegacyRow, type RecoveryResult } from './legacy-recover.js';
import { copyOf, type CopyName } from './copies.js';
import { finishRows } from './plan-journal.js';
import { finishPlan, readBack, undoPlan, type LogStep } from './plan-repair.js';
import { isInScope } from './select.js';

export type { RecoveryResult } from './legacy-recover.js';

export interface ReconcileDeps {
  readonly engine: Engine;
  readonly journal: Journal;
  readonly plans: Plans;
  readonly logger: Logger;
  /** This instance's --scope: copies left by another instance are not this one's to touch. */
  readonly scope?: string | undefined;
  /**
   * The containers this run is about (`once web`, `run web redis`): only their copies are swept.
   * Empty or absent: every container in scope.
   */
  readonly names?: readonly string[] | undefined;
  readonly afterJournal?: ((step: string) => void) | undefined;
  readonly clock?: (() => number) | undefined;
}

/**
 * A copy no plan of this store accounts for is repaired only once it is this old (by the time in
 * its name): a younger one may belong to an update in flight in another Tidewatch on the same
 * engine (another data dir, no --scope), and removing it would lose that update's container.
 * An hour is longer than any verification Tidewatch runs by default.
 */
export const ORPHAN_AGE_MS = 60 * 60 * 1000;

/**
 * Brings the engine and the journal back in line, before a run changes anything: every plan left
 * open (a crash, a SIGKILL, an engine that went away mid-update) is finished when it had been
 * committed, and undone otherwise; rows interrupted before any change are closed; a parked or
 * temporary copy no plan accounts for is put back under its name or removed. What was repaired is
 * logged, journaled, and so reaches the events, the history and the notifications. Never throws:
 * a plan that cannot be repaired now (the engine is still away) stays open for the next run.
 */
export async function reconcile(deps: ReconcileDeps): Promise<RecoveryResult[]> {
  const results: RecoveryResult[] = [];
  const open = deps.plans.unfinished();
  for (const plan of open) results.push(...(await repairPlan(deps, plan)));
  const stillOpen = new Set(deps.plans.unfinished().flatMap((plan) => plan.members.map((m) => m.updateId)));
  for (const record of deps.journal.unfinished()) {
    // A service's update is the swarm's to finish (src/swarm); a GitOps apply is compose's (src/gitops).
    if (isServiceSubject(record.containerName) || record.containerName.startsWith('gitops:')) continue;
    if (stillOpen.has(record.id)) continue;
    const result =
      record.state === 'planned' || record.state === 'pulled'
        ? {
            container: record.containerName,
            outcome: 'failed' as const,
            reason: `Tidewatch stopped during the update (at ${record.state}), before any change`,
          }
        : await recoverLegacyRow(deps.engine, record);
    close(deps, () => deps.journal.finish(record.id, result.outcome, { reason: result.reason }));
    deps.logger.warn(
      { container: result.container, outcome: result.outcome, reason: result.reason },
      'recovered an interrupted update',
    );
    results.push(result);
  }
  const planned = new Set(
    deps.plans.unfinished().flatMap((plan) => plan.members.flatMap((m) => [m.parkedName, m.tempName])),
  );
  try {
    for (const container of await deps.engine.listContainers({ all: true })) {
      const found = copyOf(container.name);
      if (found !== undefined && !planned.has(container.name) && isOurs(deps, found, container)) {
        const result = await repairCopy(deps, container, found, (deps.clock ?? Date.now)());
        if (result) results.push(result);
      }
    }
  } catch (error) {
    deps.logger.error(
      { reason: describeError(error) },
      'could not look for copies left by an interrupted update',
    );
  }
  return results;
}

async function repairPlan(deps: ReconcileDeps, plan: PlanRecord): Promise<RecoveryResult[]> {
  const logStep: LogStep = (member, action) => {
    deps.plans.step(plan.id, member, action);
    deps.afterJournal?.(`${action} ${member}`);
  };
  const forward = plan.phase === 'committing';
  let problem: string | undefined;
  try {
    await (forward ? finishPlan : undoPlan)(deps.engine, plan, logStep);
    problem = await readBack(deps.engine, plan, forward ? 'forward' : 'back');
  } catch (error) {
    problem = describeError(error);
  }
  const names = plan.members.map((member) => member.name);
  if (problem !== undefined) {
    const reason = `could not repair the interrupted update of ${names.join(', ')} yet: ${problem}`;
    deps.logger.error({ plan: plan.id, reason }, 'repair failed; the next run tries again');
    return names.map((container) => ({ container, outcome: 'failed', reason }));
  }
  const last = deps.plans
    .steps(plan.id)
    .filter((step) => !/^(remove-new|rename-back|start-original)$/.test(step.action))
    .at(-1);
  const where = last === undefined ? 'before its first step' : `at "${last.action} ${last.member}"`;
  const outcome = forward ? 'committed' : 'rolled-back';
  const reason = `repaired: Tidewatch was interrupted ${where}; ${
    forward ? 'finished the verified update' : 'the original containers run as before'
  }`;
  const rows = plan.members.flatMap((member) =>
    member.updateId === null ? [] : [{ id: member.updateId, member }],
  );
  close(deps, () => {
    finishRows(deps.journal, rows, outcome, reason);
    deps.plans.finish(plan.id, outcome, reason);
  });
  deps.afterJournal?.(outcome);
  for (const container of names)
    deps.logger.warn({ container, outcome, reason }, 'recovered an interrupted update');
  return names.map((container) => ({ container, outcome, reason }));
}

/** The names a run is about: the request's (`once web`), else the watch list (`run web redis`). */
export function reconcileNames(
  requested: readonly string[],
  watched: readonly string[] | undefined,
): readonly string[] {
  return requested.length > 0 ? requested : (watched ?? []);
}

/** Whether a copy is of a container this run may touch: in its scope, and among its names if any. */
function isOurs(deps: ReconcileDeps, found: CopyName, copy: ContainerSummary): boolean {
  if (!isInScope(copy.labels, deps.scope)) return false;
  return deps.names === undefined || deps.names.length === 0 || deps.names.includes(found.of);
}

/**
 * A copy no open plan accounts for (left by a Tidewatch from before plans, or by hand): when its
 * name's holder exists, the copy is a leftover and goes; when nothing holds the name, the copy is
 * the only one left and is put back under it and started.
 */
async function repairCopy(
  deps: ReconcileDeps,
  copy: ContainerSummary,
  found: CopyName,
  now: number,
): Promise<RecoveryResult | undefined> {
  if (!(now - found.madeAt >= ORPHAN_AGE_MS)) return undefined;
  const base = found.of;
  const holder = await deps.engine.inspectContainer(base);
  let outcome: 'committed' | 'rolled-back';
  let reason: string;
  if (holder) {
    await deps.engine.removeContainer(copy.id, { force: true });
    outcome = 'committed';
    reason = `repaired: removed ${copy.name}, a copy an interrupted update left beside ${base}`;
  } else {
    await deps.engine.renameContainer(copy.id, base);
    await deps.engine.startContainer(copy.id);
    outcome = 'rolled-back';
    reason = `repaired: ${copy.name} was the only copy of ${base}; it is back under its name`;
  }
  close(deps, () =>
    deps.journal.repaired(
      {
        containerName: base,
        containerId: copy.id,
        image: copy.imageId,
        trigger: 'repair',
        strategy: 'stop-first',
      },
      outcome,
      reason,
    ),
  );
  deps.logger.warn({ container: base, outcome, reason }, 'recovered an interrupted update');
  return { container: base, outcome, reason };
}

/** The containers are already right; a journal that cannot say so must not stop Tidewatch. */
function close(deps: ReconcileDeps, write: () => unknown): void {
  try {
    write();
  } catch (error) {
    deps.logger.error({ reason: describeError(error) }, 'could not record the repair');
  }
}
