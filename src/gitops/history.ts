import type { Journal } from '../store/index.js';

/** History names a GitOps apply `gitops:<project>`, one row per project and commit. */
export const GITOPS_PREFIX = 'gitops:';

export function isGitopsSubject(name: string): boolean {
  return name.startsWith(GITOPS_PREFIX);
}

export interface ApplyRecord {
  readonly project: string;
  /** `<url>#<branch>:<folder>`, credentials removed. */
  readonly origin: string;
  readonly fromCommit: string | undefined;
  readonly toCommit: string;
}

/**
 * One project's apply in the updates table. Compose converges in one call, so the update's steps
 * are recorded as that call reaches them: `pulled` once the commit is checked out and validated,
 * the rest after `up` (the journal only moves forward one step at a time, and commits only from
 * `verifying`).
 */
export class ApplyHistory {
  private readonly id: number | undefined;

  constructor(
    private readonly journal: Journal | undefined,
    record: ApplyRecord,
  ) {
    this.id = journal?.plan({
      containerName: `${GITOPS_PREFIX}${record.project}`,
      containerId: record.toCommit,
      image: record.origin,
      trigger: 'gitops',
      strategy: 'stop-first',
      fromTag: record.fromCommit,
      toTag: record.toCommit,
    });
  }

  validated(): void {
    if (this.journal && this.id !== undefined) this.journal.advance(this.id, 'pulled');
  }

  committed(summary: string): void {
    if (!this.journal || this.id === undefined) return;
    this.upAndVerifying(this.journal, this.id);
    this.journal.finish(this.id, 'committed', { reason: summary });
  }

  /** `up` ran but what it started did not verify, and the last good commit was put back. */
  rolledBack(reason: string, logs?: string): void {
    if (!this.journal || this.id === undefined) return;
    this.upAndVerifying(this.journal, this.id);
    this.journal.finish(this.id, 'rolled-back', { reason, ...(logs ? { logs } : {}) });
  }

  private upAndVerifying(journal: Journal, id: number): void {
    for (const state of ['old-renamed', 'new-created', 'new-started', 'verifying'] as const) {
      journal.advance(id, state);
    }
  }

  failed(reason: string, logs?: string): void {
    if (this.journal && this.id !== undefined) {
      this.journal.finish(this.id, 'failed', { reason, ...(logs ? { logs } : {}) });
    }
  }
}

/** Applies a killed Tidewatch left open are over: compose converges again at the next apply. */
export function closeInterrupted(journal: Journal): number {
  let closed = 0;
  for (const record of journal.unfinished()) {
    if (!isGitopsSubject(record.containerName)) continue;
    journal.finish(record.id, 'failed', {
      reason: 'Tidewatch stopped during the apply; the next apply converges again',
    });
    closed += 1;
  }
  return closed;
}
