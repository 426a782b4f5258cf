/**
 * Approvals: an update that waits for people. One approval per container and target digest; it
 * needs `required` distinct voters to approve, and one rejection ends it. Pure decisions; the
 * store keeps the rows (src/store/approvals.ts).
 *
 * States: `pending` (waiting for votes), `approved` (applied at the next opportunity, windows
 * respected), `rejected`, `expired` (the deadline passed while pending), `superseded` (a newer
 * digest replaced it before it was applied), `applied` (the update committed).
 */
export const APPROVAL_STATES = [
  'pending',
  'approved',
  'rejected',
  'expired',
  'superseded',
  'applied',
] as const;
export type ApprovalState = (typeof APPROVAL_STATES)[number];

export const VOTES = ['approve', 'reject'] as const;
export type Vote = (typeof VOTES)[number];

/** What a vote needs to know about its approval. */
export interface ApprovalStatus {
  readonly state: ApprovalState;
  readonly requiredVotes: number;
  /** Epoch ms; undefined: no deadline. */
  readonly deadlineAt?: number | undefined;
}

export type VoteRefusal = 'not-pending' | 'already-voted' | 'expired' | 'invalid-voter';

export type VoteDecision =
  /** Record the vote; the approval moves to `state` (still `pending` until enough votes). */
  | { readonly ok: true; readonly state: 'pending' | 'approved' | 'rejected' }
  | { readonly ok: false; readonly code: VoteRefusal; readonly message: string; readonly expire: boolean };

/** A voter is a name people recognise: 1 to 100 printable characters, no control characters. */
export function isValidVoter(voter: string): boolean {
  // eslint-disable-next-line no-control-regex
  return voter.trim() !== '' && voter.length <= 100 && !/[\u0000-\u001f\u007f]/.test(voter);
}

export function isExpired(status: ApprovalStatus, now: number): boolean {
  return status.state === 'pending' && status.deadlineAt !== undefined && now >= status.deadlineAt;
}

/**
 * Whether `voter` may vote `vote` on an approval that already has `voters`, and what it becomes.
 * A pending approval past its deadline refuses the vote and should be recorded as expired.
 */
export function decideVote(
  status: ApprovalStatus,
  voters: ReadonlyMap<string, Vote>,
  voter: string,
  vote: Vote,
  now: number,
): VoteDecision {
  if (!isValidVoter(voter)) {
    return {
      ok: false,
      code: 'invalid-voter',
      message: 'a voter name is required (1 to 100 characters)',
      expire: false,
    };
  }
  if (isExpired(status, now)) {
    return { ok: false, code: 'expired', message: 'its deadline has passed', expire: true };
  }
  if (status.state !== 'pending') {
    return {
      ok: false,
      code: 'not-pending',
      message: `it is ${status.state}, no longer pending`,
      expire: false,
    };
  }
  if (voters.has(voter)) {
    return { ok: false, code: 'already-voted', message: `${voter} has already voted on it`, expire: false };
  }
  if (vote === 'reject') return { ok: true, state: 'rejected' };
  const approvals = [...voters.values()].filter((given) => given === 'approve').length + 1;
  return { ok: true, state: approvals >= status.requiredVotes ? 'approved' : 'pending' };
}
