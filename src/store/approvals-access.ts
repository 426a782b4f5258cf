import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { z } from 'zod';
import type { Vote } from '../policy/approval.js';
import { createApprovals, type Approvals, type VoteResult } from './approvals.js';
import type { Clock } from './clock.js';
import { BUSY_TIMEOUT_MS, hasCurrentSchema, noClock, openFailed, openReader } from './open-common.js';

/**
 * The policy state as commands outside the daemon see it: `check` reads approvals and first-seen
 * times to say why a candidate waits, and `approvals` lists them, all read-only; `approve` and
 * `reject` record a vote. None of them takes the data dir lock, for the reasons read-only.ts gives
 * for `history` and `forget`: SQLite orders these short transactions with the daemon's writes, and
 * the daemon keeps no copy of the approvals in memory, so its next cycle sees the vote.
 */
export interface PolicyReader {
  readonly approvals: Pick<Approvals, 'find' | 'get' | 'list'>;
  /** When `digest` was first seen for `ref`; undefined when never (nothing is recorded here). */
  firstSeen(ref: string, digest: string): number | undefined;
  close(): void;
}

const noTimes = noClock('the read-only policy state');

/** Opens the store to read policy state; undefined when there is none yet. */
export function openPolicyReader(file: string): PolicyReader | undefined {
  return openReader(file, (db, close) => {
    const firstSeen = db
      .prepare('SELECT first_seen_at FROM seen_digests WHERE ref = ? AND digest = ?')
      .pluck();
    return {
      approvals: createApprovals(db, noTimes),
      firstSeen: (ref, digest) => z.number().int().optional().parse(firstSeen.get(ref, digest)),
      close,
    };
  });
}

/** Records `voter`'s vote on approval `id`; `not-found` when there is no store or no such approval. */
export function voteOnApproval(
  file: string,
  id: number,
  voter: string,
  vote: Vote,
  clock: Clock,
): VoteResult {
  const notFound: VoteResult = { ok: false, code: 'not-found', message: `there is no approval ${id}` };
  if (!existsSync(file)) return notFound;
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { fileMustExist: true, timeout: BUSY_TIMEOUT_MS });
    if (!hasCurrentSchema(db, file)) return notFound;
    // Foreign keys are per connection: on here too, as the daemon has them.
    db.pragma('foreign_keys = ON');
    return createApprovals(db, clock).vote(id, voter, vote);
  } catch (error) {
    throw openFailed(file, error);
  } finally {
    db?.close();
  }
}
