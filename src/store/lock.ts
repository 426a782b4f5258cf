import { hostname } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { z } from 'zod';
import { TidewatchError, describeError } from '../domain/index.js';
import type { Clock } from './clock.js';

export const LOCK_FILE = 'tidewatch.lock';

/** Held for as long as this process may write the data dir. */
export interface DataDirLock {
  readonly file: string;
  release(): void;
}

const HOLDER_SQL = `CREATE TABLE IF NOT EXISTS holder (
  id INTEGER PRIMARY KEY CHECK (id = 1), pid INTEGER NOT NULL, host TEXT NOT NULL, since INTEGER NOT NULL)`;

// How long the two short steps of taking a lock (commit the pid, read the holder) wait for each other.
const HOLDER_WAIT_MS = 2000;

function isBusy(error: unknown): boolean {
  return error instanceof Database.SqliteError && error.code.startsWith('SQLITE_BUSY');
}

/**
 * Makes this process the only writer of `dir`, or throws STORE_LOCKED naming the holder.
 *
 * Why an OS lock and not an O_EXCL pid file: a pid file outlives a SIGKILLed or OOM-killed process,
 * and telling a stale one from a live one is guesswork: pids are reused, and in a container every
 * restart runs Tidewatch as pid 1 again, in a pid namespace another container cannot see. The
 * kernel drops an fcntl lock when its process dies, however it dies, and sees it across containers
 * that share the volume on one host. Node has no flock/fcntl of its own, so the lock file is a tiny
 * SQLite database (SQLite's locks are fcntl locks): the holder keeps a write transaction open
 * (a RESERVED lock), which blocks every other writer but still lets them read who holds it.
 *
 * Never open the lock file with `fs` in this process: closing any descriptor of a file drops the
 * process's fcntl locks on it (POSIX); SQLite guards only its own descriptors against that.
 */
export function lockDataDir(dir: string, clock: Clock): DataDirLock {
  const file = join(dir, LOCK_FILE);
  // timeout 0: a held lock is an answer, not something to wait for.
  const db = new Database(file, { timeout: 0 });
  try {
    // EXCLUSIVE while the pid is written, so a loser's read of the holder waits for it to be there.
    db.exec('BEGIN EXCLUSIVE');
    db.pragma(`busy_timeout = ${HOLDER_WAIT_MS}`);
    db.exec(HOLDER_SQL);
    db.prepare('INSERT OR REPLACE INTO holder (id, pid, host, since) VALUES (1, ?, ?, ?)').run(
      process.pid,
      hostname(),
      clock(),
    );
    db.exec('COMMIT');
    // Held from here on. Between COMMIT and here another process may win: it holds, we report it.
    db.exec('BEGIN IMMEDIATE');
  } catch (error) {
    const holder = isBusy(error) ? describeHolder(db) : undefined;
    db.close();
    if (holder === undefined) throw lockError(file, error);
    throw new TidewatchError(
      'STORE_LOCKED',
      `data dir ${dir} is in use by another Tidewatch (${holder}): stop it, or use another --data-dir`,
      { cause: error },
    );
  }
  return {
    file,
    release: (): void => {
      if (db.open) db.close();
    },
  };
}

const HolderRow = z.object({ pid: z.number().int(), host: z.string() });

function describeHolder(db: Database.Database): string {
  try {
    // The holder may be committing its pid this instant: wait a moment for it.
    db.pragma(`busy_timeout = ${HOLDER_WAIT_MS}`);
    const row = HolderRow.safeParse(db.prepare('SELECT pid, host FROM holder WHERE id = 1').get());
    if (row.success) {
      const self = row.data.pid === process.pid && row.data.host === hostname() ? ', this process' : '';
      return `pid ${row.data.pid} on ${row.data.host}${self}`;
    }
  } catch {
    // A holder that has not written its pid yet: say so without one.
  }
  return 'pid not recorded yet';
}

function lockError(file: string, error: unknown): TidewatchError {
  const notDb = error instanceof Database.SqliteError && error.code === 'SQLITE_NOTADB';
  return new TidewatchError(
    'STORE_LOCK_FAILED',
    notDb
      ? `${file} is not a Tidewatch lock file: remove it if no Tidewatch is running`
      : `cannot lock ${file}: ${describeError(error)}`,
    { cause: error },
  );
}

/**
 * Waits for the data dir's lock, trying every `pollMs`, for at most `timeoutMs`; then throws the
 * last STORE_LOCKED. Only a successor started by a self-update waits (docs/self-update.md): its
 * predecessor releases the lock once its work is done, and a short poll keeps the moment when
 * nobody holds it down to a few milliseconds. Every other start fails at once, as before.
 */
export async function waitForDataDirLock(
  dir: string,
  clock: Clock,
  options: { readonly timeoutMs: number; readonly pollMs: number },
): Promise<DataDirLock> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    try {
      return lockDataDir(dir, clock);
    } catch (error) {
      const held = error instanceof TidewatchError && error.code === 'STORE_LOCKED';
      if (!held || Date.now() >= deadline) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, options.pollMs));
  }
}

/** When the data dir's lock was last taken (epoch ms), read without taking it; undefined if never. */
export function lockTakenAt(dir: string): number | undefined {
  let db: Database.Database | undefined;
  try {
    db = new Database(join(dir, LOCK_FILE), { readonly: true, fileMustExist: true, timeout: HOLDER_WAIT_MS });
    const row = z
      .object({ since: z.number() })
      .safeParse(db.prepare('SELECT since FROM holder WHERE id = 1').get());
    return row.success ? row.data.since : undefined;
  } catch {
    return undefined;
  } finally {
    db?.close();
  }
}
