import type { Vote } from '../policy/index.js';
import type { ApprovalQuery, ApprovalRecord, Approvals, VoteResult } from '../store/index.js';

/**
 * Approvals as the HTTP API offers them (`GET /api/v1/approvals`, `POST .../:id/approve|reject`):
 * every answer is a value, so a route maps `not-found` to 404 and the other refusals to 409
 * without catching anything. `onApproved` lets the daemon run the approved update at once instead
 * of at the next scheduled check (windows still apply).
 */
export interface ApprovalService {
  /** Approvals waiting for votes, newest first. */
  pending(): ApprovalRecord[];
  /** Any approvals, newest first (the approvals' history: decided ones stay). */
  list(query?: ApprovalQuery): ApprovalRecord[];
  get(id: number): ApprovalRecord | undefined;
  approve(id: number, voter: string): VoteResult;
  reject(id: number, voter: string): VoteResult;
}

export function createApprovalService(
  approvals: Approvals,
  options: { readonly onApproved?: (approval: ApprovalRecord) => void } = {},
): ApprovalService {
  const vote = (id: number, voter: string, choice: Vote): VoteResult => {
    const result = approvals.vote(id, voter, choice);
    if (result.ok && result.approval.state === 'approved') options.onApproved?.(result.approval);
    return result;
  };
  return {
    pending: () => approvals.list({ states: ['pending'] }),
    list: (query) => approvals.list(query),
    get: (id) => approvals.get(id),
    approve: (id, voter) => vote(id, voter, 'approve'),
    reject: (id, voter) => vote(id, voter, 'reject'),
  };
}
