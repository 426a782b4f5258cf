import { describeError } from '../domain/errors.js';
import type { ContainerSummary } from '../domain/index.js';
import { readContainerLabels, readScopeLabel, type ContainerLabels } from '../config/labels.js';

export interface SelectionSettings {
  readonly labelEnable: boolean;
  readonly disableContainers: readonly string[];
  readonly scope?: string | undefined;
  readonly includeStopped: boolean;
  /** Positional names of one request (`once nginx`, an API call): only these (all when empty). */
  readonly names: readonly string[];
  /**
   * `run nginx redis` (Watchtower's positional names): the containers this instance watches at all,
   * whatever asks; the others are left out as if out of scope. Empty: every container.
   */
  readonly containers?: readonly string[] | undefined;
  /** The container Tidewatch itself runs in, if any: never stopped or recreated in a cycle. */
  readonly selfId?: string | undefined;
}

export type Selection =
  | { readonly kind: 'watch'; readonly container: ContainerSummary; readonly labels: ContainerLabels }
  | { readonly kind: 'skip'; readonly container: ContainerSummary; readonly reason: string }
  | { readonly kind: 'invalid'; readonly container: ContainerSummary; readonly reason: string };

export interface SelectionResult {
  readonly selections: readonly Selection[];
  /** Names asked for that match no container. */
  readonly missing: readonly string[];
}

const RUNNING_STATES = new Set(['running', 'restarting']);

/** On every container the swarm runs as a task of a service. */
const SWARM_SERVICE_LABEL = 'com.docker.swarm.service.id';

/**
 * Which containers a cycle looks at, from the container list alone (no inspect). Containers
 * outside this instance's scope, and stopped ones unless asked for, are left out entirely; the
 * rest are watched or skipped with a reason a user can read in `check`. Pure.
 */
export function selectContainers(
  containers: readonly ContainerSummary[],
  settings: SelectionSettings,
): SelectionResult {
  const named = new Set(settings.names);
  const watchedOnly = new Set(settings.containers ?? []);
  const disabled = new Set(settings.disableContainers);
  const selections: Selection[] = [];
  for (const container of containers) {
    if (named.size > 0 && !named.has(container.name)) continue;
    if (watchedOnly.size > 0 && !watchedOnly.has(container.name)) continue;
    if (!settings.includeStopped && !RUNNING_STATES.has(container.state)) continue;
    if (!inScope(readScopeLabel(container.labels), settings.scope)) continue;

    let labels: ContainerLabels;
    try {
      labels = readContainerLabels(container.labels);
    } catch (error) {
      selections.push({ kind: 'invalid', container, reason: describeError(error) });
      continue;
    }

    const skip = skipReason(container, labels, settings, disabled);
    selections.push(skip ? { kind: 'skip', container, reason: skip } : { kind: 'watch', container, labels });
  }
  const present = new Set(containers.map((container) => container.name));
  // `service:NAME` names a swarm service (src/swarm), never a container: container names have no colon.
  const missing = settings.names.filter((name) => !present.has(name) && !name.startsWith('service:'));
  return { selections, missing };
}

/** Whether a container belongs to this instance's scope, from its labels. */
export function isInScope(labels: Readonly<Record<string, string>>, scope: string | undefined): boolean {
  return inScope(readScopeLabel(labels), scope);
}

/** Watchtower's scope rule: no --scope watches everything; "none" matches containers without one. */
function inScope(containerScope: string | undefined, scope: string | undefined): boolean {
  if (scope === undefined || scope === '') return true;
  return (containerScope ?? 'none') === scope;
}

function skipReason(
  container: ContainerSummary,
  labels: ContainerLabels,
  settings: SelectionSettings,
  disabled: ReadonlySet<string>,
): string | undefined {
  if (settings.selfId !== undefined && container.id === settings.selfId) {
    return 'it is the container Tidewatch runs in';
  }
  // The swarm recreates a task it did not make, and an update belongs in the service's spec.
  if (container.labels[SWARM_SERVICE_LABEL] !== undefined) return 'a swarm task: updated through its service';
  if (labels.isUpdater) return 'it is an updater (Tidewatch or Watchtower) and is never updated in a cycle';
  if (labels.enable === false) return 'disabled by its enable label';
  if (settings.labelEnable && labels.enable !== true) return 'not enabled by label (--label-enable is set)';
  if (disabled.has(container.name)) return 'listed in --disable-containers';
  return undefined;
}
