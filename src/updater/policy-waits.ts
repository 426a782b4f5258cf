import type { MinAgeSource } from '../policy/index.js';

/**
 * Why an available update is not applied yet, by policy; times are epoch ms. Reported by `check`
 * (JSON `waitingFor`) and by the cycle, which skips the update with the wait's reason.
 */
export type PolicyWait =
  /** Too new: applied from `until` on (`since` is when it was first seen, or built). */
  | {
      readonly kind: 'cooldown';
      readonly until: number;
      readonly since: number;
      readonly from: MinAgeSource;
      readonly minAgeMs: number;
    }
  /** Outside the maintenance window: it opens at `until`. */
  | { readonly kind: 'window'; readonly until: number; readonly window: string; readonly timezone: string }
  /**
   * Waiting for votes (`pending`), or refused for good (`rejected`, `expired`); `required` when no
   * approval was asked for yet (`check` asks for none: the next update run does).
   */
  | {
      readonly kind: 'approval';
      readonly state: 'required' | 'pending' | 'rejected' | 'expired';
      readonly approvalId: number | null;
      readonly votes: number;
      readonly required: number;
      readonly deadline: number | null;
    };

/** UTC to the second, the same on every host. */
export function isoTime(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
