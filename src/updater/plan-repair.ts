import type { ContainerDetails } from '../domain/index.js';
import type { Engine } from '../engine/index.js';
import type { PlanMember, PlanRecord } from '../store/index.js';
import { isRunning } from './group.js';
import { pointProxiesBack } from './proxy-step.js';

/** Logs a step before it is taken (the plan's write-ahead log). */
export type LogStep = (member: string, action: string) => void;

/** Whether the member is replaced by a successor (as opposed to stopped and started). */
export function isReplaced(member: PlanMember): boolean {
  return member.role !== 'restart';
}

/**
 * Every container that is, or may be, the member's successor: the recorded one, a holder of the
 * name that is not the original (a create whose answer was lost), the temporary name's holder.
 */
async function successorsOf(engine: Engine, member: PlanMember): Promise<ContainerDetails[]> {
  const found = new Map<string, ContainerDetails>();
  for (const key of [member.newId, member.name, member.tempName]) {
    if (key === null) continue;
    const details = await engine.inspectContainer(key);
    if (details && details.id !== member.originalId) found.set(details.id, details);
  }
  return [...found.values()];
}

/**
 * Undoes a plan that was not committed: every successor removed, every original back under its
 * name, and running again if it ran, providers first. Idempotent: it reads the engine before each
 * step, so it can be run again after it was itself interrupted.
 */
export async function undoPlan(engine: Engine, plan: PlanRecord, logStep: LogStep): Promise<void> {
  await pointProxiesBack(engine, plan, logStep);
  const members = plan.members;
  for (const member of [...members].reverse()) {
    if (!isReplaced(member)) continue;
    for (const successor of await successorsOf(engine, member)) {
      logStep(member.name, 'remove-new');
      await engine.removeContainer(successor.id, { force: true });
    }
    const original = await engine.inspectContainer(member.originalId);
    if (original && original.name !== member.name) {
      logStep(member.name, 'rename-back');
      await engine.renameContainer(original.id, member.name);
    }
  }
  for (const member of members) {
    if (!member.wasRunning) continue;
    const original = await engine.inspectContainer(member.originalId);
    if (original && !isRunning(original)) {
      logStep(member.name, 'start-original');
      await engine.startContainer(original.id);
    }
  }
}

/**
 * Finishes a committed plan: every original removed, every successor under its name, joined to
 * its networks (start-first), and running if it is to run, providers first. Idempotent.
 */
export async function finishPlan(engine: Engine, plan: PlanRecord, logStep: LogStep): Promise<void> {
  const members = plan.members;
  for (const member of [...members].reverse()) {
    if (!isReplaced(member)) continue;
    const original = await engine.inspectContainer(member.originalId);
    if (!original) continue;
    // start-first: the original leaves its networks first, so DNS stops sending clients to it.
    for (const network of plan.strategy === 'start-first' ? Object.keys(original.networks) : []) {
      logStep(member.name, `leave ${network}`);
      await engine.disconnectNetwork(network, original.id).catch(ignoreGone);
    }
    logStep(member.name, 'remove-old');
    await engine.removeContainer(original.id, { force: true });
  }
  for (const member of members) {
    if (!isReplaced(member)) {
      await startIfDue(engine, member, member.originalId, member.wasRunning, logStep);
      continue;
    }
    const [successor] = await successorsOf(engine, member);
    if (!successor) continue; // read back reports it
    await joinNetworks(engine, member, successor, logStep);
    if (successor.name !== member.name) {
      logStep(member.name, 'rename-new');
      await engine.renameContainer(successor.id, member.name);
    }
    await startIfDue(engine, member, successor.id, member.start, logStep);
  }
}

async function startIfDue(
  engine: Engine,
  member: PlanMember,
  id: string,
  due: boolean,
  logStep: LogStep,
): Promise<void> {
  if (!due) return;
  const details = await engine.inspectContainer(id);
  if (details && !isRunning(details)) {
    logStep(member.name, 'start');
    await engine.startContainer(id);
  }
}

/** start-first: gives the successor the endpoints (with aliases) it has not got yet. */
async function joinNetworks(
  engine: Engine,
  member: PlanMember,
  successor: ContainerDetails,
  logStep: LogStep,
): Promise<void> {
  for (const join of member.joins) {
    const current = successor.networks[join.name];
    const wanted = (join.endpoint.Aliases as string[] | undefined) ?? [];
    if (current && wanted.every((alias) => (current.Aliases ?? []).includes(alias))) continue;
    logStep(member.name, `join ${join.name}`);
    // An endpoint's aliases are fixed when it joins: leave and join again to get them.
    if (current) await engine.disconnectNetwork(join.name, successor.id).catch(ignoreGone);
    await engine.connectNetwork(join.name, successor.id, join.endpoint);
  }
}

function ignoreGone(): void {
  // Not connected (any more): the state wanted is already there.
}

/**
 * What the engine shows against what the plan says must be true at its end: `forward` after a
 * commit (successors under the names, on the new images), `back` after an undo (originals). Each
 * member must be there, on the image expected, running if it is to run, and wired to the provider
 * that now holds the provider's name. Returns the first difference found, or undefined.
 */
export async function readBack(
  engine: Engine,
  plan: PlanRecord,
  direction: 'forward' | 'back',
  /** forward: whether the originals must be gone already (after the commit) or may still wait. */
  originalsGone = true,
): Promise<string | undefined> {
  const byName = new Map<string, ContainerDetails>();
  for (const member of plan.members) {
    const found = await engine.inspectContainer(member.name);
    if (!found) return `no container is named ${member.name}`;
    byName.set(member.name, found);
    const forward = direction === 'forward';
    const expectedId = forward && isReplaced(member) ? member.newId : member.originalId;
    if (expectedId !== null && found.id !== expectedId) {
      return `${member.name} is ${short(found.id)}, not ${short(expectedId)}`;
    }
    const image = forward ? member.targetImageId : member.originalImageId;
    if (found.imageId !== image) return `${member.name} runs ${short(found.imageId)}, not ${short(image)}`;
    if ((forward ? member.start : member.wasRunning) && !isRunning(found)) {
      return `${member.name} is ${found.state}, not running`;
    }
    const wiring = wiringProblem(found, member, byName);
    if (wiring) return wiring;
    if (
      forward &&
      originalsGone &&
      isReplaced(member) &&
      (await engine.inspectContainer(member.originalId))
    ) {
      return `the original ${member.name} (${short(member.originalId)}) is still there`;
    }
  }
  return undefined;
}

function wiringProblem(
  found: ContainerDetails,
  member: PlanMember,
  byName: ReadonlyMap<string, ContainerDetails>,
): string | undefined {
  if (member.namespaceOf !== null) {
    const provider = byName.get(member.namespaceOf);
    const target = (found.hostConfig.NetworkMode ?? '').replace(/^container:/, '');
    if (!provider || !(target === provider.name || (target !== '' && provider.id.startsWith(target)))) {
      return `${member.name} is not in the network namespace of ${member.namespaceOf}`;
    }
  }
  for (const target of member.linksTo) {
    const links = found.hostConfig.Links ?? [];
    if (!links.some((link) => link.startsWith(`/${target}:`))) {
      return `${member.name} is not linked to ${target}`;
    }
  }
  return undefined;
}

function short(id: string): string {
  return id.replace(/^sha256:/, '').slice(0, 12);
}
