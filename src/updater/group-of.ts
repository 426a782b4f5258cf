import pLimit from 'p-limit';
import { readDependsOnLabel } from '../config/index.js';
import type { ContainerDetails, ContainerSummary } from '../domain/index.js';
import type { CycleDeps } from './cycle-deps.js';
import type { CheckedContainer } from './check.js';
import { buildDependencyGraph, type DependencyGraph } from './dependency-graph.js';
import { planGroup, type GroupMember } from './group.js';
import { isTidewatchCopy } from './copies.js';
import { isInScope } from './select.js';

/**
 * The rest of the group of `details` when it alone is replaced (no other member has an update of
 * its own): `tidewatch rollback` carries its dependents along as an update does.
 */
export async function groupOf(
  deps: Pick<CycleDeps, 'engine' | 'settings' | 'compose'>,
  details: ContainerDetails,
): Promise<GroupMember[]> {
  const inScope = (await deps.engine.listContainers({ all: true })).filter(
    (c) => !isTidewatchCopy(c.name) && isInScope(c.labels, deps.settings.scope),
  );
  const { graph, details: known } = await dependencies(deps, [], inScope);
  const dependents = await freshDependents(deps, graph.dependentsOf(details.name), known);
  return planGroup(details, dependents, new Set()).slice(1);
}

/** The dependents, inspected again (an earlier group may have replaced them), in start order. */
export async function freshDependents(
  deps: Pick<CycleDeps, 'engine'>,
  names: readonly string[],
  known: ReadonlyMap<string, ContainerDetails>,
): Promise<ContainerDetails[]> {
  const found: ContainerDetails[] = [];
  for (const name of names) {
    if (!known.has(name)) continue;
    const details = await deps.engine.inspectContainer(name);
    if (details) found.push(details);
  }
  return found;
}

/**
 * Every container in scope can depend on an updated one, watched or not (a container in another's
 * network namespace must follow it whatever its labels say), stopped ones included: a stopped
 * container linked to an updated one must be recreated too, or it could never start again.
 */
export async function dependencies(
  deps: Pick<CycleDeps, 'engine' | 'compose'>,
  checked: readonly CheckedContainer[],
  inScope: readonly ContainerSummary[],
): Promise<{ graph: DependencyGraph; details: Map<string, ContainerDetails> }> {
  const details = new Map<string, ContainerDetails>();
  for (const item of checked) if (item.details) details.set(item.details.name, item.details);
  const limit = pLimit(8);
  const unknown = inScope.filter((summary) => !details.has(summary.name));
  const inspected = await Promise.all(
    unknown.map((summary) => limit(() => deps.engine.inspectContainer(summary.id))),
  );
  for (const container of inspected) if (container) details.set(container.name, container);
  const graph = buildDependencyGraph(
    [...details.values()].map((container) => ({
      name: container.name,
      id: container.id,
      labels: deps.compose?.withDependsOn(container.config.Labels ?? {}) ?? container.config.Labels ?? {},
      dependsOn: readDependsOnLabel(container.config.Labels ?? {}),
      links: container.hostConfig.Links ?? [],
      networkMode: container.hostConfig.NetworkMode,
    })),
  );
  return { graph, details };
}
