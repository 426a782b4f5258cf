import type { ContainerDetails } from '../domain/index.js';
import type { MemberRole } from '../store/index.js';
import { copyOf } from './copies.js';

/** One container of an update's group, and why it is in it. */
export interface GroupMember {
  readonly details: ContainerDetails;
  readonly role: MemberRole;
  /** The member whose network namespace it shares, when that member is in the group. */
  readonly namespaceOf: string | undefined;
  /** Members of the group it has legacy links to. */
  readonly linksTo: readonly string[];
}

/**
 * The group an update of `main` touches, in start order (main first): every container that
 * depends on it, directly or through others (`dependents`, from the dependency graph, in start
 * order), with what must happen to each so that it works with main's successor. Pure.
 *
 * - A dependent with an update of its own (`ownUpdates`) gets it in the same plan.
 * - One in the network namespace of a replaced member, or linked to one, must be recreated: a
 *   namespace and a link are bound to a container, not its name. Recreating it replaces it in turn,
 *   so a chain (c in b's namespace, b in a's) is followed to its end.
 * - Any other running dependent (depends-on) is stopped before and started after.
 * - A stopped dependent that needs nothing is left alone; one that must be recreated is recreated
 *   and left stopped, startable.
 */
export function planGroup(
  main: ContainerDetails,
  dependents: readonly ContainerDetails[],
  ownUpdates: ReadonlySet<string>,
): GroupMember[] {
  const replaced = new Map<string, ContainerDetails>([[main.name, main]]);
  const members: GroupMember[] = [{ details: main, role: 'update', namespaceOf: undefined, linksTo: [] }];
  for (const details of dependents) {
    const namespaceOf = namespaceProvider(details, [main, ...dependents]);
    const linksTo = linkTargets(details).filter((target) => target !== details.name);
    const inGroup = (name: string | undefined): boolean => name !== undefined && replaced.has(name);
    const follows = inGroup(namespaceOf) || linksTo.some(inGroup);
    const role: MemberRole | undefined = ownUpdates.has(details.name)
      ? 'update'
      : follows
        ? 'recreate'
        : isRunning(details)
          ? 'restart'
          : undefined;
    if (role === undefined) continue;
    if (role !== 'restart') replaced.set(details.name, details);
    members.push({
      details,
      role,
      namespaceOf:
        namespaceOf !== undefined && members.some((m) => m.details.name === namespaceOf)
          ? namespaceOf
          : undefined,
      linksTo: linksTo.filter((target) => members.some((m) => m.details.name === target)),
    });
  }
  return members;
}

export function isRunning(details: Pick<ContainerDetails, 'state'>): boolean {
  return details.state === 'running' || details.state === 'restarting';
}

/** `container:<name or id>` → the name of that container, when it is one of `candidates`. */
export function namespaceProvider(
  details: ContainerDetails,
  candidates: readonly Pick<ContainerDetails, 'id' | 'name'>[],
): string | undefined {
  const mode = details.hostConfig.NetworkMode ?? '';
  if (!mode.startsWith('container:')) return undefined;
  const target = mode.slice('container:'.length);
  return candidates.find((candidate) => candidate.name === target || candidate.id.startsWith(target))?.name;
}

/**
 * The containers a container links to, by the name they had before any rename Tidewatch made:
 * inspect reports links as `/target:/self/alias`, with the target's current name (a parked copy
 * shows as `<name>-tidewatch-old-...`).
 */
export function linkTargets(details: ContainerDetails): string[] {
  return (details.hostConfig.Links ?? []).map((link) => {
    const target = (link.split(':')[0] ?? '').replace(/^\//, '');
    const copy = copyOf(target);
    return copy?.role === 'old' ? copy.of : target;
  });
}
