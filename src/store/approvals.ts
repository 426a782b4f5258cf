import type { Database } from 'better-sqlite3';
import { z } from 'zod';
import {
  APPROVAL_STATES,
  VOTES,
  decideVote,
  isExpired,
  type ApprovalState,
  type Vote,
  type VoteRefusal,
} from '../policy/approval.js';
import type { Clock } from './clock.js';
import { validate } from './validate.js';

export interface ApprovalVoteRecord {
  readonly voter: string;
  readonly vote: Vote;
  readonly votedAt: number;
}

/** One approval: an update of `containerName` to `toDigest` that waits for votes (see src/policy/approval.ts). */
export interface ApprovalRecord {
  readonly id: number;
  readonly containerName: string;
  /** The reference the container runs (`repo:tag`). */
  readonly image: string;
  readonly fromDigest: string | null;
  readonly fromTag: string | null;
  readonly toDigest: string;
  /** The tag the update moves to; the same as fromTag for a digest update. */
  readonly toTag: string | null;
  readonly requiredVotes: number;
  readonly state: ApprovalState;
  /** Epoch ms, from the store's clock. */
  readonly createdAt: number;
  readonly deadlineAt: number | null;
  /** When it left `pending` (approved, rejected, expired, superseded), or was applied. */
  readonly decidedAt: number | null;
  /** Oldest first. */
  readonly votes: readonly ApprovalVoteRecord[];
}

const optionalText = z.string().min(1).nullish();

/** What the cycle knows when an update needs approval; validated, like every store input. */
export const ApprovalRequest = z.strictObject({
  containerName: z.string().min(1),
  image: z.string().min(1),
  fromDigest: optionalText,
  fromTag: optionalText,
  toDigest: z.string().min(1),
  toTag: optionalText,
  requiredVotes: z.number().int().min(1).max(100),
  deadlineAt: z.number().int().nonnegative().nullish(),
});
export type ApprovalRequest = z.input<typeof ApprovalRequest>;

export const ApprovalQuery = z.strictObject({
  /** Only approvals in these states; all when absent. */
  states: z.array(z.enum(APPROVAL_STATES)).optional(),
  container: z.string().min(1).optional(),
  limit: z.number().int().min(1).max(500).default(100),
});
export type ApprovalQuery = z.input<typeof ApprovalQuery>;

/** A vote's result, as a value: the API and the CLI turn a refusal into a message, not a crash. */
export type VoteResult =
  | { readonly ok: true; readonly approval: ApprovalRecord }
  | {
      readonly ok: false;
      readonly code: 'not-found' | VoteRefusal;
      readonly message: string;
      readonly approval?: ApprovalRecord | undefined;
    };

export interface Approvals {
  /**
   * The approval that decides `containerName` → `toDigest`: the existing one (pending, approved,
   * rejected or expired), or a new pending one. Creating one supersedes the container's open
   * approvals for other digests: a newer digest replaces them.
   */
  request(input: ApprovalRequest): { readonly approval: ApprovalRecord; readonly created: boolean };
  /** The approval deciding `container` → `toDigest`, if any (superseded and applied ones do not decide). */
  find(container: string, toDigest: string): ApprovalRecord | undefined;
  get(id: number): ApprovalRecord | undefined;
  /** Newest first. */
  list(query?: ApprovalQuery): ApprovalRecord[];
  vote(id: number, voter: string, vote: Vote): VoteResult;
  /** Marks pending approvals past their deadline `expired`; returns them. */
  expireDue(): ApprovalRecord[];
  /** The approved update committed. */
  markApplied(id: number): void;
}

const ApprovalRow = z.object({
  id: z.number().int().positive(),
  container_name: z.string(),
  image: z.string(),
  from_digest: z.string().nullable(),
  from_tag: z.string().nullable(),
  to_digest: z.string(),
  to_tag: z.string().nullable(),
  required_votes: z.number().int().positive(),
  state: z.enum(APPROVAL_STATES),
  created_at: z.number().int(),
  deadline_at: z.number().int().nullable(),
  decided_at: z.number().int().nullable(),
});
const VoteRow = z.object({ voter: z.string(), vote: z.enum(VOTES), voted_at: z.number().int() });

const DECIDING = "state IN ('pending', 'approved', 'rejected', 'expired')";

export function createApprovals(db: Database, clock: Clock): Approvals {
  const byId = db.prepare('SELECT * FROM approvals WHERE id = ?');
  const votesOf = db.prepare(
    'SELECT voter, vote, voted_at FROM approval_votes WHERE approval_id = ? ORDER BY voted_at, voter',
  );
  const deciding = db.prepare(
    `SELECT * FROM approvals WHERE container_name = ? AND to_digest = ? AND ${DECIDING} ORDER BY id DESC LIMIT 1`,
  );
  const insert =
    db.prepare(`INSERT INTO approvals (container_name, image, from_digest, from_tag, to_digest, to_tag,
      required_votes, state, created_at, deadline_at)
    VALUES (@containerName, @image, @fromDigest, @fromTag, @toDigest, @toTag, @requiredVotes, 'pending', @now, @deadlineAt)`);
  const supersede = db.prepare(`UPDATE approvals SET state = 'superseded', decided_at = ?
    WHERE container_name = ? AND to_digest <> ? AND state IN ('pending', 'approved')`);
  const setState = db.prepare('UPDATE approvals SET state = ?, decided_at = ? WHERE id = ? AND state = ?');
  const insertVote = db.prepare(
    'INSERT INTO approval_votes (approval_id, voter, vote, voted_at) VALUES (?, ?, ?, ?)',
  );
  const due = db.prepare(
    "SELECT * FROM approvals WHERE state = 'pending' AND deadline_at IS NOT NULL AND deadline_at <= ? ORDER BY id",
  );

  const toRecord = (value: unknown): ApprovalRecord => {
    const row = ApprovalRow.parse(value);
    return {
      id: row.id,
      containerName: row.container_name,
      image: row.image,
      fromDigest: row.from_digest,
      fromTag: row.from_tag,
      toDigest: row.to_digest,
      toTag: row.to_tag,
      requiredVotes: row.required_votes,
      state: row.state,
      createdAt: row.created_at,
      deadlineAt: row.deadline_at,
      decidedAt: row.decided_at,
      votes: votesOf.all(row.id).map((vote) => {
        const parsed = VoteRow.parse(vote);
        return { voter: parsed.voter, vote: parsed.vote, votedAt: parsed.voted_at };
      }),
    };
  };
  const get = (id: number): ApprovalRecord | undefined => {
    const row = byId.get(id);
    return row === undefined ? undefined : toRecord(row);
  };

  // Each is one IMMEDIATE transaction: the state read holds for the row written, even with a CLI
  // voting from another process at the same moment.
  const request = db.transaction((input: z.output<typeof ApprovalRequest>) => {
    const existing = deciding.get(input.containerName, input.toDigest);
    if (existing !== undefined) return { approval: toRecord(existing), created: false };
    const now = clock();
    supersede.run(now, input.containerName, input.toDigest);
    const id = Number(
      insert.run({
        containerName: input.containerName,
        image: input.image,
        fromDigest: input.fromDigest ?? null,
        fromTag: input.fromTag ?? null,
        toDigest: input.toDigest,
        toTag: input.toTag ?? null,
        requiredVotes: input.requiredVotes,
        deadlineAt: input.deadlineAt ?? null,
        now,
      }).lastInsertRowid,
    );
    return { approval: toRecord(byId.get(id)), created: true };
  });

  const vote = db.transaction((id: number, voter: string, choice: Vote): VoteResult => {
    const approval = get(id);
    if (approval === undefined)
      return { ok: false, code: 'not-found', message: `there is no approval ${id}` };
    const now = clock();
    const voters = new Map(approval.votes.map((given) => [given.voter, given.vote]));
    const decision = decideVote(
      { ...approval, deadlineAt: approval.deadlineAt ?? undefined },
      voters,
      voter.trim(),
      choice,
      now,
    );
    if (!decision.ok) {
      if (decision.expire) setState.run('expired', now, id, 'pending');
      return {
        ok: false,
        code: decision.code,
        message: `approval ${id}: ${decision.message}`,
        approval: get(id),
      };
    }
    insertVote.run(id, voter.trim(), choice, now);
    if (decision.state !== 'pending') setState.run(decision.state, now, id, 'pending');
    return { ok: true, approval: get(id) ?? approval };
  });

  const expireDue = db.transaction((): ApprovalRecord[] => {
    const now = clock();
    const expired = due
      .all(now)
      .map(toRecord)
      .filter((approval) => isExpired({ ...approval, deadlineAt: approval.deadlineAt ?? undefined }, now));
    for (const approval of expired) setState.run('expired', now, approval.id, 'pending');
    return expired.map((approval) => get(approval.id) ?? approval);
  });

  return {
    request: (input) =>
      request.immediate(validate(ApprovalRequest, input, 'APPROVAL_BAD_INPUT', 'approval request')),
    find: (container, toDigest) => {
      const row = deciding.get(container, toDigest);
      return row === undefined ? undefined : toRecord(row);
    },
    get,
    list: (query = {}) => listApprovals(db, toRecord, query),
    vote: (id, voter, choice) => vote.immediate(id, voter, choice),
    expireDue: () => expireDue.immediate(),
    markApplied: (id) => {
      setState.run('applied', clock(), id, 'approved');
    },
  };
}

function listApprovals(
  db: Database,
  toRecord: (row: unknown) => ApprovalRecord,
  query: ApprovalQuery,
): ApprovalRecord[] {
  const { states, container, limit } = validate(ApprovalQuery, query, 'APPROVAL_BAD_QUERY', 'approval query');
  const where: string[] = [];
  const params: Record<string, unknown> = { limit };
  if (states !== undefined && states.length > 0) {
    // States come from the validated enum; bound as parameters all the same.
    where.push(`state IN (${states.map((_, index) => `@s${index}`).join(', ')})`);
    states.forEach((state, index) => (params[`s${index}`] = state));
  }
  if (container !== undefined) {
    where.push('container_name = @container');
    params.container = container;
  }
  const sql = `SELECT * FROM approvals ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT @limit`;
  return db.prepare(sql).all(params).map(toRecord);
}
