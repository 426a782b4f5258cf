import type { PolicyLabels, Settings } from '../config/index.js';
import type { MaintenanceWindow, MinAgeSource, Policy, TagFilters } from '../policy/index.js';

/** A container's policy: its labels over the global options. */
export interface EffectivePolicy {
  readonly policy: Policy;
  readonly filters: TagFilters;
  readonly minAgeMs: number;
  readonly minAgeFrom: MinAgeSource;
  readonly window: MaintenanceWindow | undefined;
  /** undefined: the process zone. */
  readonly timezone: string | undefined;
  /** Votes needed; 0: no approval. */
  readonly approvals: number;
  /** 0: a pending approval never expires. */
  readonly approvalDeadlineMs: number;
  /** Its own cron (`tidewatch.schedule`), checked on instead of the global schedule. */
  readonly schedule: string | undefined;
  /** A new image deploys only with a trusted signature (src/signature). */
  readonly requireSignature: boolean;
}

/** The options a policy reads: what every subject kind's selection settings must carry. */
export type PolicySettings = Pick<
  Settings,
  | 'policy'
  | 'minAgeMs'
  | 'minAgeFrom'
  | 'window'
  | 'timezone'
  | 'approve'
  | 'approvalDeadlineMs'
  | 'requireSignature'
>;

export function effectivePolicy(labels: PolicyLabels, settings: PolicySettings): EffectivePolicy {
  return {
    policy: labels.policy ?? settings.policy,
    filters: {
      ...(labels.include !== undefined ? { include: labels.include } : {}),
      ...(labels.exclude !== undefined ? { exclude: labels.exclude } : {}),
    },
    minAgeMs: labels.minAgeMs ?? settings.minAgeMs,
    minAgeFrom: labels.minAgeFrom ?? settings.minAgeFrom,
    // `tidewatch.window=always` (null) opts a container out of the global window.
    window: labels.window === null ? undefined : (labels.window ?? settings.window),
    timezone: labels.timeZone ?? settings.timezone,
    approvals: labels.approvals ?? settings.approve,
    approvalDeadlineMs: labels.approvalDeadlineMs ?? settings.approvalDeadlineMs,
    schedule: labels.schedule,
    // The option is a floor: a label can ask for signatures, never waive them (policy-labels.ts).
    requireSignature: settings.requireSignature || labels.requireSignature === true,
  };
}
