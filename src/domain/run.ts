/**
 * The vocabulary of one run (a check or an update cycle), shared by everything that reports it:
 * the updater and the swarm code produce it; the CLI, the API, the events, the metrics and the
 * dashboard read it. Types only, so any folder may import them without importing the updater.
 */

/** Why requests to a registry are held back: its own signals (a 429's Retry-After, a backoff, Docker Hub's ratelimit-remaining). */
export type RegistryPauseCause = 'retry-after' | 'backoff' | 'ratelimit-remaining';

/** Why a registry is waited for: a pause it asked for, or Tidewatch's own budget (--registry-limit). */
export type RegistryWaitCause = RegistryPauseCause | 'budget';

/**
 * Where a candidate's age is counted from:
 * - `seen`: the first time Tidewatch saw that digest in the repository (kept in the store), so an
 *   image pushed with an old build date still waits the whole cooldown
 * - `created`: the `created` time in the image's config, as its builder wrote it
 */
export const MIN_AGE_SOURCES = ['seen', 'created'] as const;
export type MinAgeSource = (typeof MIN_AGE_SOURCES)[number];

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

export type CheckStatus = 'current' | 'update-available' | 'unknown' | 'skipped';

/** What a container waits for before it can be checked or updated; `until` is epoch ms. */
export type WaitingFor =
  | {
      /** Its registry is rate limited (a 429's Retry-After, a spent quota, or Tidewatch's own budget). */
      readonly kind: 'registry-budget';
      readonly registry: string;
      readonly cause: RegistryWaitCause;
      readonly until: number;
    }
  /** A policy holds the update back: cooldown, maintenance window, approval. */
  | PolicyWait;

import type { ReleaseLinks } from './release-links.js';

/** What `check` reports for one container or service. */
export interface CheckResult {
  readonly name: string;
  readonly id: string;
  readonly image: string;
  readonly status: CheckStatus;
  /** The digest the container runs: its image's RepoDigest for this repository, else the image id. */
  readonly currentDigest?: string | undefined;
  /** The digest the tag points at now (or the local image id with --no-pull). */
  readonly latestDigest?: string | undefined;
  readonly reason?: string | undefined;
  /** Why it waits, when it does (see WaitingFor). */
  readonly waitingFor?: WaitingFor | undefined;
  /** Its policy, as written (`digest`, `minor`, `semver:~1.4`, ...). */
  readonly policy?: string | undefined;
  /** The tag it runs. */
  readonly currentTag?: string | undefined;
  /** The tag it would move to, when a tag policy chose another one. */
  readonly latestTag?: string | undefined;
  /** Release notes and compare links of an available update, from the images' OCI labels. */
  readonly releaseLinks?: ReleaseLinks | undefined;
}

/** What a cycle did about an available update. */
export type UpdateAction = 'updated' | 'rolled-back' | 'failed' | 'skipped' | 'monitor-only' | 'not-started';

export interface CycleEntry extends CheckResult {
  /** What the cycle did about an available update (update mode only). */
  readonly action?: UpdateAction | undefined;
}

export interface CycleReport {
  readonly entries: readonly CycleEntry[];
  readonly updated: number;
  /** Containers whose check or update failed: `once` exits 1 when this is not zero. */
  readonly failed: number;
}
