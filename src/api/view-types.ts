/**
 * The answers of the dashboard views' routes (routes/views.ts, docs/api.md): shared as types with
 * the dashboard (src/ui/views-api.ts), so the two cannot drift.
 */
import type { SwarmUpdateStatus } from '../swarm/types.js';
import type { UpdateState } from '../store/update-types.js';

/** An update as a view's row shows it: its state and why, and when. */
export interface UpdateBrief {
  readonly id: number;
  readonly state: UpdateState;
  readonly reason: string | null;
  readonly startedAt: number;
  readonly finishedAt: number | null;
}

/** One swarm service of GET /api/v1/services. */
export interface ServiceItem {
  readonly name: string;
  /** `service:NAME`, as the history names it. */
  readonly subject: string;
  readonly id: string;
  readonly image: string;
  readonly mode: string;
  readonly watched: boolean;
  /** Why it is not watched; null when it is. */
  readonly reason: string | null;
  /** Its policy's kind (digest, semver, ...) when watched. */
  readonly policy: string | null;
  readonly updateStatus: SwarmUpdateStatus | null;
  readonly lastUpdate: UpdateBrief | null;
}

export interface ServicesAnswer {
  /** off: --swarm off; not-manager: the engine cannot list services; manager: it can. */
  readonly swarm: 'off' | 'not-manager' | 'manager';
  readonly nodeState: string | null;
  readonly items: ServiceItem[];
  /** Why the services could not be read, when the engine failed to answer. */
  readonly error?: string;
}

export interface ProjectOutcome {
  readonly project: string;
  readonly ok: boolean;
  readonly detail: string;
}

/** A source's last apply, as this process saw it. */
export interface ApplySummary {
  readonly at: number;
  readonly kind: 'unchanged' | 'applied' | 'failed';
  readonly commit: string | null;
  readonly reason: string | null;
  readonly projects: readonly ProjectOutcome[];
}

/** One project's recorded apply or drift correction. */
export interface GitopsApply extends UpdateBrief {
  readonly project: string;
  readonly fromCommit: string | null;
  readonly toCommit: string | null;
}

/** One source of GET /api/v1/gitops/sources. */
export interface GitopsSourceItem {
  readonly name: string;
  /** Credentials as `***`. */
  readonly url: string;
  readonly branch: string;
  readonly path: string;
  readonly intervalMs: number;
  readonly applying: boolean;
  readonly lastApply: ApplySummary | null;
  readonly history: GitopsApply[];
}

/** One message of GET /api/v1/notifications/outbox. */
export interface OutboxMessage {
  readonly id: number;
  /** The target's URL, redacted. */
  readonly target: string;
  readonly event: string;
  readonly level: string;
  readonly state: 'pending' | 'delivered' | 'failed';
  readonly attempts: number;
  readonly createdAt: number;
  readonly nextAttemptAt: number;
  readonly deliveredAt: number | null;
  readonly failedAt: number | null;
  readonly lastError: string | null;
  readonly title: string | null;
  /** The message's text, its first 2000 characters. */
  readonly body: string;
}

export interface OutboxAnswer {
  readonly stats: { readonly pending: number; readonly delivered: number; readonly failed: number };
  readonly items: OutboxMessage[];
}
