import type { Clock, Sleep } from '../domain/clock.js';
import { describeError } from '../domain/errors.js';
import type { CreateSpec } from '../domain/index.js';
import { withAddressesKept } from './keep-addresses.js';
import type { Engine } from '../engine/index.js';
import type { Logger } from '../log/index.js';
import type { Journal, PlanMember, PlanRecord, Plans } from '../store/index.js';
import type { GroupMember } from './group.js';
import { isRunning } from './group.js';
import { openPlanJournal, type PlanJournal } from './plan-journal.js';
import { asFault, PlanFault, startSuccessor, verifyAll } from './plan-fault.js';
import { finishPlan, isReplaced, readBack, undoPlan } from './plan-repair.js';
import type { VerifyPolicy } from './verify.js';

/** A group member with everything its steps need. */
export interface PlannedMember {
  readonly member: GroupMember;
  /** update and recreate: how its successor is created (its namespace is resolved at create). */
  readonly spec: CreateSpec | undefined;
  /** The image it runs after the commit. */
  readonly targetImageId: string;
  readonly updateId: number | undefined;
  /** update members: how the successor proves itself. */
  readonly verify: VerifyPolicy | undefined;
  readonly stopSignal: string | undefined;
  readonly stopTimeoutSeconds: number;
  /** It runs after the commit (it ran, or is revived). */
  readonly start: boolean;
  /** Where the original waits (update and recreate). */
  readonly parkedName: string | undefined;
}

export interface PlanDeps {
  readonly engine: Engine;
  readonly logger: Logger;
  readonly plans: Plans;
  readonly journal?: Journal | undefined;
  readonly afterJournal?: ((step: string) => void) | undefined;
  readonly now: Clock;
  readonly sleep: Sleep;
}

export type PlanResult =
  | { readonly kind: 'committed'; readonly plan: PlanRecord }
  /** Undone and read back: every original runs as before. */
  | {
      readonly kind: 'rolled-back' | 'failed';
      readonly reason: string;
      readonly fault: PlanFault;
      readonly plan: PlanRecord;
    }
  /** Neither finished nor undone (the engine is out of reach): the plan stays open for the reconciler. */
  | { readonly kind: 'left-open'; readonly reason: string; readonly fault: PlanFault | undefined };

export function toPlanMember(planned: PlannedMember, extra: Partial<PlanMember> = {}): PlanMember {
  const { member } = planned;
  return {
    name: member.details.name,
    originalId: member.details.id,
    originalImageId: member.details.imageId,
    role: member.role,
    wasRunning: isRunning(member.details),
    start: planned.start,
    targetImageId: planned.targetImageId,
    parkedName: planned.parkedName ?? null,
    tempName: null,
    newId: null,
    updateId: planned.updateId ?? null,
    namespaceOf: member.namespaceOf ?? null,
    linksTo: [...member.linksTo],
    joins: [],
    ...extra,
  };
}

/**
 * stop-first over a group: every successor is created while the originals still run (parked
 * under their temporary names), then the group stops (dependents first), the successors start
 * (providers first), the updated ones are verified and the whole group is read back. Only then
 * is the plan committed and the originals removed. Any failure before the commit undoes the plan.
 */
export async function runStopFirstPlan(
  deps: PlanDeps,
  planned: readonly PlannedMember[],
  signal: AbortSignal,
): Promise<PlanResult> {
  const { engine } = deps;
  const journal = openPlanJournal(
    deps,
    'stop-first',
    planned.map((entry) => toPlanMember(entry)),
  );
  const replaced = planned.filter((entry) => isReplaced(toPlanMember(entry)));
  const name = (entry: PlannedMember): string => entry.member.details.name;
  let started = false;
  try {
    journal.advanceRows('old-renamed');
    for (const entry of replaced) {
      journal.logStep(name(entry), 'rename');
      await engine.renameContainer(entry.member.details.id, entry.parkedName ?? '');
    }
    for (const entry of replaced) {
      journal.logStep(name(entry), 'create');
      const resolved = resolveSpec(entry, journal.plan());
      // Stop-first: the old container has let go of its addresses (keep-addresses.ts).
      const spec = engine.addressesUnreported ? withAddressesKept(resolved, entry.member.details) : resolved;
      const id = await engine.createContainer(spec);
      journal.learnNewId(name(entry), id);
      for (const network of spec.extraNetworks) {
        journal.logStep(name(entry), `connect ${network.name}`);
        await engine.connectNetwork(network.name, id, network.endpoint);
      }
    }
    journal.advanceRows('new-created');
    for (const entry of [...planned].reverse()) {
      if (!isRunning(entry.member.details)) continue;
      journal.logStep(name(entry), 'stop');
      await engine.stopContainer(entry.member.details.id, {
        timeoutSeconds: entry.stopTimeoutSeconds,
        signal: entry.stopSignal,
      });
      if (entry.member.role !== 'update') deps.logger.info({ container: name(entry) }, 'stopped a dependent');
    }
    journal.advanceRows('new-started');
    started = true;
    for (const entry of planned) {
      if (!entry.start) continue;
      const id = currentId(journal.plan(), name(entry));
      journal.logStep(name(entry), 'start');
      await startSuccessor(engine, name(entry), id);
    }
    journal.advanceRows('verifying');
    await verifyPlanned(deps, journal, planned, signal);
    const problem = await readBack(engine, journal.plan(), 'forward', false);
    if (problem) throw new PlanFault('read-back', `after the start, ${problem}`);
  } catch (error) {
    return undo(deps, journal, asFault(error, signal), started);
  }
  return commit(deps, journal);
}

/** The successor's spec, joined to the namespace of its provider's successor. */
function resolveSpec(entry: PlannedMember, plan: PlanRecord): CreateSpec {
  const spec = entry.spec;
  if (!spec) throw new Error(`no spec to recreate ${entry.member.details.name}`);
  const provider = plan.members.find((member) => member.name === entry.member.namespaceOf);
  if (!provider) return spec;
  return {
    ...spec,
    hostConfig: { ...spec.hostConfig, NetworkMode: `container:${provider.newId ?? provider.originalId}` },
  };
}

function currentId(plan: PlanRecord, name: string): string {
  const member = plan.members.find((entry) => entry.name === name);
  if (!member) throw new Error(`${name} is not in plan ${plan.id}`);
  return (isReplaced(member) ? member.newId : member.originalId) ?? member.originalId;
}

export async function verifyPlanned(
  deps: PlanDeps,
  journal: PlanJournal,
  planned: readonly PlannedMember[],
  signal: AbortSignal,
): Promise<void> {
  const targets = planned.flatMap((entry) =>
    entry.verify && entry.start && entry.member.role === 'update'
      ? [
          {
            member: entry.member.details.name,
            id: currentId(journal.plan(), entry.member.details.name),
            policy: entry.verify,
          },
        ]
      : [],
  );
  for (const target of targets) journal.logStep(target.member, 'verify');
  if (targets.length > 0)
    deps.logger.info({ containers: targets.map((t) => t.member) }, 'verifying the new containers');
  await verifyAll({ engine: deps.engine, now: deps.now, sleep: deps.sleep }, targets, signal);
}

/** The point of no return, then the originals go; a commit is what the engine shows afterwards. */
export async function commit(deps: PlanDeps, journal: PlanJournal): Promise<PlanResult> {
  journal.committing();
  let problem: string | undefined;
  try {
    await finishPlan(deps.engine, journal.plan(), journal.logStep);
    problem = await readBack(deps.engine, journal.plan(), 'forward');
  } catch (error) {
    problem = describeError(error);
  }
  if (problem !== undefined) {
    const reason = `verified, but the update could not be finished (${problem}); the next run finishes it`;
    deps.logger.error({ plan: journal.plan().id, reason }, 'update left for repair');
    return { kind: 'left-open', reason, fault: undefined };
  }
  journal.finish('committed', undefined);
  return { kind: 'committed', plan: journal.plan() };
}

/** Undoes what the plan did, reads the originals back, and records how it ended. */
export async function undo(
  deps: PlanDeps,
  journal: PlanJournal,
  fault: PlanFault,
  /** A successor had been started: undoing it is a rollback, not a failed attempt. */
  started: boolean,
): Promise<PlanResult> {
  let problem: string | undefined;
  try {
    await undoPlan(deps.engine, journal.plan(), journal.logStep);
    problem = await readBack(deps.engine, journal.plan(), 'back');
  } catch (error) {
    problem = describeError(error);
  }
  const log = deps.logger.child({ plan: journal.plan().id });
  if (problem !== undefined) {
    const reason = `${fault.message}; the originals could not be put back yet (${problem}); the next run repairs it`;
    log.error({ reason }, 'update left for repair');
    return { kind: 'left-open', reason, fault };
  }
  const outcome = started || fault.afterStart ? 'rolled-back' : 'failed';
  const logs = new Map(fault.member !== undefined && fault.logs ? [[fault.member, fault.logs]] : []);
  journal.finish(outcome, fault.message, logs);
  log.warn({ reason: fault.message, outcome }, 'update undone; the original containers run as before');
  return { kind: outcome, reason: fault.message, fault, plan: journal.plan() };
}
