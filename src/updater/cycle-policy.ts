import { readPolicyLabels, type Settings } from '../config/index.js';
import { describeError } from '../domain/errors.js';
import type { EventBus } from '../events/index.js';
import type { RegistrySession } from '../registry/index.js';
import type { CheckedContainer, WatchedContainer } from './check.js';
import type { CycleDeps, CycleOptions, ScheduleGate } from './cycle-deps.js';
import type { CheckResult, CycleEntry } from '../domain/run.js';
import { effectivePolicy } from './effective-policy.js';
import { evaluateGates } from './gates.js';
import type { PolicyState } from './policy-state.js';
import type { Selection } from './select.js';

export type { ScheduleGate };

type Watched = Extract<Selection, { kind: 'watch' }>;

/**
 * Each watched container with its policy. A malformed policy label makes that container `unknown`.
 * A run of the global schedule (a full `schedule` or `startup` run) leaves out containers with a
 * cron of their own (`tidewatch.schedule`), unless that cron fired and waits in the same run.
 */
export function withPolicies(
  selections: readonly Watched[],
  settings: Readonly<Settings>,
  options: Pick<CycleOptions, 'names' | 'images' | 'trigger'>,
  schedules: ScheduleGate | undefined,
): { watched: WatchedContainer[]; invalid: CycleEntry[] } {
  const globalRun =
    options.names.length === 0 &&
    options.images === undefined &&
    (options.trigger === 'schedule' || options.trigger === 'startup');
  const watched: WatchedContainer[] = [];
  const invalid: CycleEntry[] = [];
  for (const { container, labels } of selections) {
    try {
      const policy = effectivePolicy(readPolicyLabels(container.labels), settings);
      if (globalRun && policy.schedule !== undefined && schedules?.isDue(container.name) !== true) continue;
      watched.push({ id: container.id, name: container.name, labels, policy });
    } catch (error) {
      const reason = describeError(error);
      invalid.push({ name: container.name, id: container.id, image: '', status: 'unknown', reason });
    }
  }
  return { watched, invalid };
}

export interface HeldBack {
  /** Containers whose update waits: not applied in this run. */
  readonly held: ReadonlySet<string>;
  /** Containers going ahead under an approval, by approval id: marked applied once updated. */
  readonly approvals: ReadonlyMap<string, number>;
}

/**
 * Runs every available update through its policy's gates (cooldown, approval, window). One that
 * waits keeps `update-available` with the reason and `waitingFor`; in an update run it is also
 * `skipped`, `update-skipped` is emitted, and a run is asked for when its wait ends (a window
 * opens, a cooldown passes) so it does not wait for the next global check.
 */
export async function holdBack(
  deps: CycleDeps,
  context: {
    readonly update: boolean;
    readonly now: number;
    readonly state: PolicyState;
    readonly registry: RegistrySession;
    readonly signal: AbortSignal;
  },
  checked: readonly CheckedContainer[],
  entries: Map<string, CycleEntry>,
): Promise<HeldBack> {
  const { settings, events } = deps;
  const held = new Set<string>();
  const approvals = new Map<string, number>();
  if (context.update) {
    for (const expired of context.state.expireDue()) {
      skipped(
        events,
        expired.containerName,
        expired.image,
        `approval ${expired.id} expired without enough votes`,
        expired.toDigest,
      );
    }
  }
  for (const item of checked) {
    const { result, policy, labels } = item;
    if (result.status !== 'update-available' || policy === undefined || labels === undefined) continue;
    // Never applied anyway: nothing to wait for, nobody to ask.
    if (settings.monitorOnly || labels.monitorOnly) continue;
    // A digest that was rolled back is refused later, with its own reason; nobody is asked about it.
    if (result.latestDigest !== undefined && deps.store?.badDigests.isBad(result.name, result.latestDigest))
      continue;
    const verdict = await evaluateGates(
      { ...context, events: context.update ? events : undefined },
      item,
      policy,
    );
    if (verdict.go) {
      if (verdict.approvalId !== undefined) approvals.set(result.name, verdict.approvalId);
      continue;
    }
    held.add(result.name);
    const entry: CheckResult = { ...result, reason: verdict.reason, waitingFor: verdict.wait };
    entries.set(result.name, context.update ? { ...entry, action: 'skipped' } : entry);
    if (!context.update) continue;
    skipped(events, result.name, result.image, verdict.reason, result.latestDigest);
    if (verdict.wait.kind === 'cooldown' || verdict.wait.kind === 'window')
      deps.wakeAt?.([result.name], verdict.wait.until);
  }
  return { held, approvals };
}

function skipped(
  events: EventBus | undefined,
  container: string,
  image: string,
  reason: string,
  toDigest: string | undefined,
): void {
  events?.emit({ type: 'update-skipped', container, image, toDigest, reason });
}
