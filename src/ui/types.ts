/** The shapes the dashboard reads from /api/v1 (see docs/api.md). */

export type ContainerStatus = 'current' | 'update-available' | 'skipped' | 'unknown' | 'unchecked';

export interface LastUpdate {
  readonly id: number;
  readonly state: string;
  readonly trigger: string;
  readonly fromDigest: string | null;
  readonly toDigest: string | null;
  readonly reason: string | null;
  readonly startedAt: number;
  readonly finishedAt: number | null;
}

export interface ContainerRow {
  readonly name: string;
  readonly id: string;
  readonly state: string;
  readonly image: string | null;
  readonly tag: string | null;
  readonly status: ContainerStatus;
  readonly currentDigest: string | null;
  readonly latestDigest: string | null;
  readonly reason: string | null;
  readonly checkedAt: number | null;
  readonly policy: string;
  readonly lastUpdate: LastUpdate | null;
  /** major | minor | patch | digest: what kind of update is available. */
  readonly updateKind?: string | null;
  /** The tag a tag policy would move to. */
  readonly latestTag?: string | null;
  /** Why an available update waits (cooldown, window, approval, registry budget). */
  readonly waitingFor?: {
    readonly kind: string;
    readonly until?: number | null;
    readonly detail?: string;
  } | null;
}

export interface UpdateRecord {
  readonly id: number;
  readonly containerName: string;
  readonly image: string;
  readonly fromDigest: string | null;
  readonly toDigest: string | null;
  readonly fromTag: string | null;
  readonly toTag: string | null;
  readonly trigger: string;
  readonly strategy: string;
  readonly state: string;
  readonly reason: string | null;
  readonly logs: string | null;
  readonly startedAt: number;
  readonly finishedAt: number | null;
}

export interface HistoryPage {
  readonly items: UpdateRecord[];
  readonly nextCursor?: string | number | null;
}

export interface Approval {
  readonly id: number;
  readonly containerName: string;
  readonly image: string;
  readonly toDigest: string;
  readonly fromTag: string | null;
  readonly toTag: string | null;
  readonly requiredVotes: number;
  readonly votes: ReadonlyArray<{ readonly voter: string; readonly vote: string }>;
  readonly state: string;
  readonly createdAt: number;
  readonly deadlineAt: number | null;
}
