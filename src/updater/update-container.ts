import { describeError } from '../domain/errors.js';
import { familiarName, imageReferenceOf, type ContainerDetails } from '../domain/index.js';
import type { ImageDetails } from '../engine/index.js';
import { readStopTimeoutLabel } from '../config/index.js';
import type { UpdateStrategy } from '../store/index.js';
import { systemClock, systemSleep } from '../domain/clock.js';
import { chooseStrategy } from './choose-strategy.js';
import type { GroupMember } from './group.js';
import { isRunning } from './group.js';
import { runStopFirstPlan, type PlanDeps, type PlannedMember, type PlanResult } from './group-plan.js';
import { memoryPlans } from './memory-plans.js';
import { followerSpec, memberSpec } from './member-spec.js';
import { runStartFirstPlan } from './start-first.js';
import { parkedNameFor } from './copies.js';
import { pullChecked, removeOldImages } from './update-images.js';
import type { MemberUpdate, Proceed, UpdateDeps, UpdateResult, UpdateRequest } from './update-types.js';

export { pullChecked, targetImage } from './update-images.js';

export type { UpdateDeps, Proceed, MemberUpdate, UpdateRequest, UpdateResult };

/** An update member after its pull: its journal row and its new image. */
interface Pulled {
  readonly update: MemberUpdate;
  readonly rowId: number | undefined;
  readonly newImage: ImageDetails;
}

/**
 * Updates a container and its group (the containers bound to it) in one journaled plan: every new
 * image is pulled first, then the plan recreates, restarts and verifies the members, and commits
 * only what it read back from the engine. Anything short of that is undone, or left journaled for
 * the reconciler when the engine is out of reach.
 */
export async function updateContainer(deps: UpdateDeps, request: UpdateRequest): Promise<UpdateResult> {
  const { details } = request;
  const others = request.group?.members ?? [];
  const choice = chooseStrategy(request.strategy ?? 'stop-first', details, others.length > 0);
  if ('error' in choice) return { kind: 'failed', reason: choice.error };
  const strategy: UpdateStrategy =
    choice.strategy === 'start-first' && isRunning(details) ? 'start-first' : 'stop-first';

  const mainPull = await pullMember(deps, request, request);
  if ('reason' in mainPull) return failRow(deps, openRow(deps, request, request, strategy), mainPull.reason);
  const proceed = (await request.beforeChange?.()) ?? { go: true };
  if (!proceed.go) {
    // A hook that says "not now" is not an update that happened: it leaves no history row.
    if (proceed.skip) return { kind: 'skipped', reason: proceed.reason };
    return failRow(deps, openRow(deps, request, request, strategy), proceed.reason);
  }
  const main = advancePulled(deps, mainPull, openRow(deps, request, request, strategy));

  const pulled = new Map<string, Pulled>([[details.name, main]]);
  const members: GroupMember[] = [];
  for (const member of others) {
    const own = member.role === 'update' ? request.group?.updates.get(member.details.name) : undefined;
    const result = own ? await pullMember(deps, request, own) : undefined;
    if (own && result && !('reason' in result)) {
      pulled.set(member.details.name, advancePulled(deps, result, openRow(deps, request, own, strategy)));
      members.push(member);
    } else {
      if (own && result && 'reason' in result)
        failRow(deps, openRow(deps, request, own, strategy), result.reason);
      // Without its own new image it still follows its provider, on the image it runs.
      members.push({ ...member, role: member.role === 'update' ? 'recreate' : member.role });
    }
  }

  const planned: PlannedMember[] = [];
  try {
    for (const member of [
      { details, role: 'update' as const, namespaceOf: undefined, linksTo: [] },
      ...members,
    ]) {
      planned.push(await plannedMember(deps, request, member, pulled.get(member.details.name)));
    }
  } catch (error) {
    const reason = `could not prepare the update: ${describeError(error)}`;
    for (const entry of pulled.values()) failRow(deps, entry.rowId, reason);
    return { kind: 'failed', reason };
  }

  const planDeps: PlanDeps = {
    engine: deps.engine,
    logger: deps.logger,
    plans: deps.plans ?? memoryPlans(),
    journal: deps.journal,
    afterJournal: deps.afterJournal,
    now: deps.now ?? systemClock,
    sleep: deps.sleep ?? systemSleep,
  };
  const [first] = planned;
  const result =
    strategy === 'start-first' && first && planned.length === 1
      ? await runStartFirstPlan(planDeps, first, request.drainMs ?? 0, request.signal)
      : await runStopFirstPlan(planDeps, planned, request.signal);
  const outcome = outcomeOf(deps, request, pulled, result);
  if (outcome.kind === 'updated' && request.cleanup) {
    for (const own of pulled.values()) await cleanup(deps, request, own);
  }
  return outcome;
}

/** Pulls the member's checked digest; a value with `reason` ends its update. */
async function pullMember(
  deps: UpdateDeps,
  request: UpdateRequest,
  update: MemberUpdate,
): Promise<{ readonly update: MemberUpdate; readonly newImage: ImageDetails } | { readonly reason: string }> {
  let newImage: ImageDetails;
  try {
    newImage = await pullChecked(deps, { ...update, signal: request.signal });
  } catch (error) {
    return { reason: describeError(error) };
  }
  if (newImage.id === update.details.imageId) {
    return { reason: `the pulled image is the one the container already runs (${newImage.id})` };
  }
  return { update, newImage };
}

/** The member's history row, planned once its update is known to go ahead (or has failed). */
function openRow(
  deps: UpdateDeps,
  request: UpdateRequest,
  update: MemberUpdate,
  strategy: UpdateStrategy,
): number | undefined {
  const { details, ref } = update;
  const rowId = deps.journal?.plan({
    containerName: details.name,
    containerId: details.id,
    image: imageReferenceOf(details) ?? familiarName(ref),
    trigger: request.trigger,
    strategy,
    fromDigest: update.currentDigest,
    toDigest: update.digest,
    fromImageId: details.imageId,
    fromTag: ref.tag,
    toTag: (update.targetRef ?? ref).tag,
    wasRunning: isRunning(details),
  });
  if (rowId !== undefined) deps.afterJournal?.('planned');
  return rowId;
}

function advancePulled(
  deps: UpdateDeps,
  pull: { readonly update: MemberUpdate; readonly newImage: ImageDetails },
  rowId: number | undefined,
): Pulled {
  if (rowId !== undefined && deps.journal) {
    deps.journal.advance(rowId, 'pulled', { toImageId: pull.newImage.id });
    deps.afterJournal?.('pulled');
  }
  return { ...pull, rowId };
}

function failRow(deps: UpdateDeps, rowId: number | undefined, reason: string): UpdateResult {
  if (rowId !== undefined && deps.journal) {
    deps.journal.finish(rowId, 'failed', { reason });
    deps.afterJournal?.('failed');
  }
  return { kind: 'failed', reason };
}

async function plannedMember(
  deps: UpdateDeps,
  request: UpdateRequest,
  member: GroupMember,
  pulled: Pulled | undefined,
): Promise<PlannedMember> {
  const { details } = member;
  const stopTimeoutSeconds = stopTimeoutOf(details, request.stopTimeoutMs);
  const start = isRunning(details) || (member.role === 'update' && request.revive);
  const common = { member, stopTimeoutSeconds, start, updateId: pulled?.rowId };
  if (pulled) {
    return {
      ...common,
      spec: await memberSpec(deps.engine, pulled.update),
      targetImageId: pulled.newImage.id,
      verify: pulled.update.verify,
      stopSignal: pulled.update.stopSignal,
      parkedName: parkedNameFor(details.name),
    };
  }
  return {
    ...common,
    spec: member.role === 'recreate' ? await followerSpec(deps.engine, details) : undefined,
    targetImageId: details.imageId,
    verify: undefined,
    stopSignal: undefined,
    parkedName: member.role === 'recreate' ? parkedNameFor(details.name) : undefined,
  };
}

function outcomeOf(
  deps: UpdateDeps,
  request: UpdateRequest,
  pulled: ReadonlyMap<string, Pulled>,
  result: PlanResult,
): UpdateResult {
  const { details } = request;
  const log = deps.logger.child({ container: details.name, image: details.config.Image });
  const main = pulled.get(details.name);
  const others = new Map<string, UpdateResult>();
  switch (result.kind) {
    case 'committed': {
      for (const member of result.plan.members) {
        const own = pulled.get(member.name);
        if (!own || member.newId === null) continue;
        const outcome = { kind: 'updated', newId: member.newId, newImageId: own.newImage.id } as const;
        if (member.name !== details.name) others.set(member.name, outcome);
        log.info(
          { container: member.name, from: member.originalImageId, to: own.newImage.id, newId: member.newId },
          'updated',
        );
      }
      for (const member of result.plan.members) {
        if (member.role === 'update') continue;
        const done = member.role === 'recreate' ? 'recreated' : 'restarted';
        log.info({ container: member.name, provider: details.name }, `dependent ${done}`);
      }
      const newId = result.plan.members[0]?.newId ?? details.id;
      return { kind: 'updated', newId, newImageId: main?.newImage.id ?? '', members: others };
    }
    case 'rolled-back':
    case 'failed': {
      // Only a verification the new image failed marks its digest bad: never a fault of the engine.
      const blamed = result.fault.kind === 'verify' ? result.fault.member : undefined;
      const own = blamed === undefined ? undefined : pulled.get(blamed);
      // With --no-pull (and bundles) the new image is a local tag: its image id is what is bad.
      const badDigest = own?.update.digest ?? own?.newImage.id;
      if (badDigest !== undefined && blamed !== undefined) {
        deps.badDigests?.remember(blamed, badDigest, result.reason);
      }
      for (const name of pulled.keys()) {
        if (name !== details.name) others.set(name, { kind: result.kind, reason: result.reason });
      }
      return { kind: result.kind, reason: result.reason, members: others };
    }
    case 'left-open':
      for (const name of pulled.keys()) {
        if (name !== details.name) others.set(name, { kind: 'failed', reason: result.reason });
      }
      return { kind: 'failed', reason: result.reason, members: others };
  }
}

async function cleanup(deps: UpdateDeps, request: UpdateRequest, own: Pulled): Promise<void> {
  const log = deps.logger.child({ container: own.update.details.name });
  await removeOldImages(
    deps,
    { ...request, details: own.update.details, oldImage: own.update.oldImage },
    own.newImage.id,
    log,
  );
}

/**
 * Seconds the engine gives a member to stop (the stop request's `t`): its `tidewatch.stop-timeout`
 * label, else its own StopTimeout (`docker run --stop-timeout`), else --stop-timeout. A label that
 * does not parse was refused at selection for a watched container; on a dependent it is ignored
 * here rather than failing a stop half way through a group.
 */
function stopTimeoutOf(details: ContainerDetails, globalMs: number): number {
  let labelled: number | undefined;
  try {
    labelled = readStopTimeoutLabel(details.config.Labels ?? {});
  } catch {
    labelled = undefined;
  }
  if (labelled !== undefined) return Math.ceil(labelled / 1000);
  return Math.ceil(details.config.StopTimeout ?? globalMs / 1000);
}
