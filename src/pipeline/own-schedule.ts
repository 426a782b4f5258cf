import type { UpdateTrigger } from '../store/index.js';
import type { ImageMatcher } from '../domain/index.js';
import type { EffectivePolicy } from './effective-policy.js';

/** The per-subject schedules' side of a cycle (see src/daemon/own-schedules.ts). */
export interface ScheduleGate {
  /** Whether `name`'s own cron fired and its run is pending: a global run then checks it too. */
  isDue(name: string): boolean;
}

/** What of a run decides whether it is the global schedule's. */
export interface RunScope {
  readonly names: readonly string[];
  readonly images?: ImageMatcher | undefined;
  readonly trigger?: UpdateTrigger | undefined;
}

/**
 * A run of the global schedule (a full `schedule` or `startup` run) leaves out a subject with a
 * cron of its own (`tidewatch.schedule`), unless that cron fired and waits in the same run: its own
 * run then merges into this one, which must still cover it.
 */
export function leftToOwnSchedule(
  name: string,
  policy: Pick<EffectivePolicy, 'schedule'>,
  run: RunScope,
  schedules: ScheduleGate | undefined,
): boolean {
  const globalRun =
    run.names.length === 0 &&
    run.images === undefined &&
    (run.trigger === 'schedule' || run.trigger === 'startup');
  return globalRun && policy.schedule !== undefined && schedules?.isDue(name) !== true;
}
