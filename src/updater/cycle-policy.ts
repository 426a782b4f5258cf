import { readPolicyLabels, type Settings } from '../config/index.js';
import { describeError } from '../domain/errors.js';
import type { WatchedContainer } from './check.js';
import type { CycleOptions } from './cycle-deps.js';
import type { CycleEntry } from '../domain/run.js';
import { effectivePolicy, leftToOwnSchedule, type ScheduleGate } from '../pipeline/index.js';
import type { Selection } from './select.js';

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
  const watched: WatchedContainer[] = [];
  const invalid: CycleEntry[] = [];
  for (const { container, labels } of selections) {
    try {
      const policy = effectivePolicy(readPolicyLabels(container.labels), settings);
      if (leftToOwnSchedule(container.name, policy, options, schedules)) continue;
      watched.push({ id: container.id, name: container.name, labels, policy });
    } catch (error) {
      const reason = describeError(error);
      invalid.push({ name: container.name, id: container.id, image: '', status: 'unknown', reason });
    }
  }
  return { watched, invalid };
}
