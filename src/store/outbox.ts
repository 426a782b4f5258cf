import type { Database } from 'better-sqlite3';
import { z } from 'zod';
import { redactText } from '../domain/redact.js';
import type { Clock } from './clock.js';

/** One message for one target, as the notifier queues it. */
export interface OutboxInput {
  /** A stable id of the target (a hash of its URL): no secret is ever stored. */
  readonly target: string;
  /** The target's URL with its secrets redacted, for logs and the API. */
  readonly targetLabel: string;
  readonly event: string;
  readonly level: string;
  /** The rendered message, as JSON. */
  readonly payload: string;
  /** Not to be sent before this time (epoch ms); default now. */
  readonly notBefore?: number;
}

export interface OutboxRow {
  readonly id: number;
  readonly target: string;
  readonly targetLabel: string;
  readonly event: string;
  readonly level: string;
  readonly payload: string;
  readonly attempts: number;
  readonly nextAttemptAt: number;
  readonly createdAt: number;
  readonly deliveredAt: number | null;
  readonly failedAt: number | null;
  readonly lastError: string | null;
}

export interface OutboxStats {
  readonly pending: number;
  readonly delivered: number;
  /** Messages given up on (after their last attempt): for metrics and alerts. */
  readonly failed: number;
}

/**
 * The notification outbox: a message is written here before anything is sent, in the same
 * transaction as the decision to send it, so a target that is down or a restart loses nothing.
 * A row is marked delivered right after the target accepted it (see docs/notifications.md for the
 * one window where a message can be sent twice).
 */
export interface Outbox {
  enqueue(rows: readonly OutboxInput[]): number[];
  /** Pending rows due at `now`, oldest first, none behind an older one to its target that is not due. */
  due(now: number, limit: number): OutboxRow[];
  /** When the next pending row can be sent (behind its target's oldest); undefined when none is pending. */
  nextDueAt(): number | undefined;
  pendingCount(): number;
  markDelivered(id: number): void;
  /** A failed attempt that will be tried again at `nextAttemptAt`. */
  markRetry(id: number, error: string, nextAttemptAt: number): void;
  /** The last attempt failed: given up. */
  markFailed(id: number, error: string): void;
  get(id: number): OutboxRow | undefined;
  stats(): OutboxStats;
  /** Given-up messages, newest first. */
  failures(limit: number): OutboxRow[];
  /** Every message, pending, delivered or given up, newest first (the API's outbox view). */
  recent(limit: number): OutboxRow[];
  /** Deletes delivered rows finished before `deliveredBefore` and failed ones before `failedBefore`. */
  prune(deliveredBefore: number, failedBefore: number): number;
  /** Runs `fn` in one IMMEDIATE transaction (with the announcements it depends on). */
  atomically<T>(fn: () => T): T;
}

const Row = z.object({
  id: z.number().int(),
  target: z.string(),
  target_label: z.string(),
  event: z.string(),
  level: z.string(),
  payload: z.string(),
  attempts: z.number().int(),
  next_attempt_at: z.number().int(),
  created_at: z.number().int(),
  delivered_at: z.number().int().nullable(),
  failed_at: z.number().int().nullable(),
  last_error: z.string().nullable(),
});

function toRow(value: unknown): OutboxRow {
  const row = Row.parse(value);
  return {
    id: row.id,
    target: row.target,
    targetLabel: row.target_label,
    event: row.event,
    level: row.level,
    payload: row.payload,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    createdAt: row.created_at,
    deliveredAt: row.delivered_at,
    failedAt: row.failed_at,
    lastError: row.last_error,
  };
}

const PENDING = 'delivered_at IS NULL AND failed_at IS NULL';

export function createOutbox(db: Database, clock: Clock): Outbox {
  const insert = db.prepare(`INSERT INTO outbox
    (target, target_label, event, level, payload, attempts, next_attempt_at, created_at)
    VALUES (?, ?, ?, ?, ?, 0, ?, ?)`);
  // Due, and not behind an older message to the same target that waits for its retry: a message
  // never overtakes another on its way to one target.
  const due = db.prepare(`SELECT * FROM outbox AS o WHERE ${PENDING} AND next_attempt_at <= @now
    AND NOT EXISTS (SELECT 1 FROM outbox AS p WHERE p.target = o.target AND p.id < o.id
      AND p.delivered_at IS NULL AND p.failed_at IS NULL AND p.next_attempt_at > @now)
    ORDER BY id LIMIT @limit`);
  // A target moves when its oldest pending message is due (later ones wait behind it, see `due`).
  const nextDue = db
    .prepare(
      `SELECT MIN(next_attempt_at) FROM outbox AS o WHERE ${PENDING}
        AND id = (SELECT MIN(id) FROM outbox AS p WHERE p.target = o.target AND p.delivered_at IS NULL AND p.failed_at IS NULL)`,
    )
    .pluck();
  const pending = db.prepare(`SELECT COUNT(*) FROM outbox WHERE ${PENDING}`).pluck();
  const delivered = db.prepare(
    `UPDATE outbox SET delivered_at = ?, attempts = attempts + 1, last_error = NULL WHERE id = ? AND ${PENDING}`,
  );
  const retry = db.prepare(
    `UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? WHERE id = ? AND ${PENDING}`,
  );
  const failed = db.prepare(
    `UPDATE outbox SET failed_at = ?, attempts = attempts + 1, last_error = ? WHERE id = ? AND ${PENDING}`,
  );
  const get = db.prepare('SELECT * FROM outbox WHERE id = ?');
  const stats = db.prepare(`SELECT
      COALESCE(SUM(delivered_at IS NULL AND failed_at IS NULL), 0) AS pending,
      COALESCE(SUM(delivered_at IS NOT NULL), 0) AS delivered,
      COALESCE(SUM(failed_at IS NOT NULL), 0) AS failed
    FROM outbox`);
  const failures = db.prepare(
    'SELECT * FROM outbox WHERE failed_at IS NOT NULL ORDER BY failed_at DESC, id DESC LIMIT ?',
  );
  const recent = db.prepare('SELECT * FROM outbox ORDER BY id DESC LIMIT ?');
  const prune = db.prepare('DELETE FROM outbox WHERE delivered_at < ? OR failed_at < ?');
  const enqueue = db.transaction((rows: readonly OutboxInput[]): number[] => {
    const now = clock();
    return rows.map((row) =>
      Number(
        insert.run(
          row.target,
          // The caller redacted it; again here, as the database file must never hold a secret.
          redactText(row.targetLabel),
          row.event,
          row.level,
          row.payload,
          row.notBefore ?? now,
          now,
        ).lastInsertRowid,
      ),
    );
  });
  const Stats = z.object({ pending: z.number(), delivered: z.number(), failed: z.number() });

  return {
    // Nested in atomically(), better-sqlite3 makes this a savepoint of the outer transaction.
    enqueue: (rows) => enqueue(rows),
    due: (now, limit) => due.all({ now, limit }).map(toRow),
    nextDueAt: () =>
      z
        .number()
        .int()
        .nullable()
        .parse(nextDue.get() ?? null) ?? undefined,
    pendingCount: () => z.number().int().parse(pending.get()),
    markDelivered: (id) => {
      delivered.run(clock(), id);
    },
    markRetry: (id, error, nextAttemptAt) => {
      retry.run(redactText(error), nextAttemptAt, id);
    },
    markFailed: (id, error) => {
      failed.run(clock(), redactText(error), id);
    },
    get: (id) => {
      const row = get.get(id);
      return row === undefined ? undefined : toRow(row);
    },
    stats: () => Stats.parse(stats.get()),
    failures: (limit) => failures.all(limit).map(toRow),
    recent: (limit) => recent.all(limit).map(toRow),
    prune: (deliveredBefore, failedBefore) => prune.run(deliveredBefore, failedBefore).changes,
    atomically: <T>(fn: () => T): T => db.transaction(fn).immediate(),
  };
}
