import type { ApprovalRecord, ApprovalRequest, PolicyReader, Store } from '../store/index.js';

/**
 * What policies remember between cycles, as a cycle sees it. An update run records (first
 * sightings, approval requests, expiries); `check` only reads, and without a store knows nothing.
 */
export interface PolicyState {
  /** Whether this state records anything. */
  readonly writes: boolean;
  /** When `digest` was first seen for `repository`; an update run records a new one as seen now. */
  firstSeen(repository: string, digest: string): number | undefined;
  /** The approval deciding container → digest, if any. */
  approval(container: string, digest: string): ApprovalRecord | undefined;
  /** An update run asks for approval (see Approvals.request); `check` asks nothing (undefined). */
  requestApproval(input: ApprovalRequest): { approval: ApprovalRecord; created: boolean } | undefined;
  /** Records the pending approvals whose deadline passed; returns them. */
  expireDue(): ApprovalRecord[];
  markApplied(id: number): void;
}

/** An update run with a store: everything is recorded. */
export function recordingPolicyState(store: Pick<Store, 'seenDigests' | 'approvals'>): PolicyState {
  return {
    writes: true,
    firstSeen: (repository, digest) => store.seenDigests.markSeen(repository, digest),
    approval: (container, digest) => store.approvals.find(container, digest),
    requestApproval: (input) => store.approvals.request(input),
    expireDue: () => store.approvals.expireDue(),
    markApplied: (id) => store.approvals.markApplied(id),
  };
}

/**
 * `check`, or an update run without a store: reads what there is, records nothing. A candidate
 * never seen is as new as it gets (its cooldown counts from now).
 */
export function readingPolicyState(
  source: { readonly approvals: Pick<Store['approvals'], 'find'> } | undefined,
  reader: PolicyReader | undefined,
): PolicyState {
  return {
    writes: false,
    firstSeen: (repository, digest) => reader?.firstSeen(repository, digest),
    approval: (container, digest) => (source ?? reader)?.approvals.find(container, digest),
    requestApproval: () => undefined,
    expireDue: () => [],
    markApplied: () => undefined,
  };
}
