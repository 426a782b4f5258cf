import type { WaitingFor } from '../domain/run.js';
import type { ReleaseLinks } from '../domain/release-links.js';
import type { UpdateKind } from '../policy/update-kind.js';
import type { UpdateState } from '../store/update-types.js';

/**
 * The shapes of GET /api/v1/containers, in a module of their own (types and one constant) so the
 * dashboard's build imports them as they are, with nothing of the server (src/ui/types.ts).
 */

/** A container's status in the API and the metrics: a check's status, or not checked yet. */
export const VIEW_STATUSES = ['current', 'update-available', 'skipped', 'unknown', 'unchecked'] as const;
export type ViewStatus = (typeof VIEW_STATUSES)[number];

/** What GET /api/v1/containers says about one container. */
export interface ContainerInfo {
  readonly name: string;
  readonly id: string;
  /** The engine's state: running, exited, ... */
  readonly state: string;
  /** The reference it runs (`repo:tag`); null when the engine no longer knows the container. */
  readonly image: string | null;
  readonly tag: string | null;
  readonly status: ViewStatus;
  readonly currentDigest: string | null;
  readonly latestDigest: string | null;
  /** Why it is skipped or unknown. */
  readonly reason: string | null;
  /** Epoch ms of its last check; null before the first. */
  readonly checkedAt: number | null;
  /** The effective policy the last check applied; before one, the tidewatch.policy label, else `digest`. */
  readonly policy: string;
  /** For an available update: how big a step (major, minor, patch, digest, tag). */
  readonly updateKind: UpdateKind | null;
  /** The tag a tag policy would move to. */
  readonly latestTag: string | null;
  /** Why an available update waits (cooldown, window, approval, registry budget); `until` is epoch ms. */
  readonly waitingFor: WaitingFor | null;
  /** The release page, compare view, ... of an available update (docs/release-links.md). */
  readonly releaseLinks: ReleaseLinks | null;
  readonly lastUpdate: LastUpdate | null;
  /**
   * The update the check found was rolled back before (a remembered bad digest): it is not applied
   * until forgotten (DELETE .../bad-digests). Null otherwise.
   */
  readonly heldBack: HeldBack | null;
  /** Its compose project (`com.docker.compose.project`), or its swarm stack; null for neither. */
  readonly project: string | null;
  /** Tidewatch's own copies of it while a start-first update is in flight (usually none). */
  readonly copies: readonly ContainerCopy[];
}

export interface HeldBack {
  readonly digest: string;
  readonly reason: string;
  /** Epoch ms: when it was rolled back. */
  readonly rolledBackAt: number;
}

/** A parked original (`old`) or a successor being verified (`new`), named `<name>-tidewatch-<role>-<time>`. */
export interface ContainerCopy {
  readonly name: string;
  readonly id: string;
  readonly role: 'old' | 'new';
  /** The engine's state: created, running, exited, ... */
  readonly state: string;
}

export interface LastUpdate {
  readonly id: number;
  /** The outcome, or the step reached while in flight. */
  readonly state: UpdateState;
  readonly trigger: string;
  readonly fromDigest: string | null;
  readonly toDigest: string | null;
  readonly reason: string | null;
  readonly startedAt: number;
  readonly finishedAt: number | null;
}
