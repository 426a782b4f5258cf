import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { createBadDigests, type BadDigest, type BadDigests } from './bad-digests.js';
import { BUSY_TIMEOUT_MS, hasCurrentSchema, noClock, openFailed, openReader } from './open-common.js';
import { createHistory, type History } from './history.js';

/**
 * The store as the `history` and `forget` commands see it: opened WITHOUT the data dir lock, so
 * they work while `tidewatch run` holds it, and never make a daemon starting at that moment fail.
 *
 * Why that is safe: the lock (lock.ts) only keeps two daemons apart; it is a separate file and
 * plays no part in SQLite's own locking of the database, which holds for every connection from
 * every process. The database is in WAL mode, so a reader sees the last committed state and
 * neither blocks the daemon nor is blocked by it. Neither opener migrates: a database at another
 * schema version is refused with what to do, instead of being read with the wrong columns.
 */
export interface StoreReader {
  readonly file: string;
  readonly history: History;
  readonly badDigests: Pick<BadDigests, 'list' | 'isBad'>;
  close(): void;
}

const noTimes = noClock('the CLI store access');

/** Opens the store to read it; undefined when there is none yet (nothing was ever recorded). */
export function openStoreReadOnly(file: string): StoreReader | undefined {
  return openReader(file, (db, close) => ({
    file,
    history: createHistory(db),
    badDigests: createBadDigests(db, noTimes),
    close,
  }));
}

/**
 * Forgets the bad digests remembered for `container` and returns them; none when there is no store.
 *
 * This writes without the data dir lock, deliberately. The store's rule is one writer: the lock
 * stops a second daemon, whose journal and recovery would fight the first one's. This is one
 * DELETE in one short transaction, which SQLite serializes with the daemon's writes like any two
 * connections (each waits up to BUSY_TIMEOUT_MS for the other); the daemon keeps no copy of the
 * bad digests in memory, so its next check reads the row's absence. Refusing while the daemon runs
 * would make the user stop it, and with it every update in progress, to undo one rollback.
 */
export function forgetBadDigests(file: string, container: string): BadDigest[] {
  if (!existsSync(file)) return [];
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { fileMustExist: true, timeout: BUSY_TIMEOUT_MS });
    const open = db;
    // IMMEDIATE: the version check, the list and the delete see one state of the database.
    return open
      .transaction((): BadDigest[] => {
        if (!hasCurrentSchema(open, file)) return [];
        const badDigests = createBadDigests(open, noTimes);
        const forgotten = badDigests.list(container);
        badDigests.forget(container);
        return forgotten;
      })
      .immediate();
  } catch (error) {
    throw openFailed(file, error);
  } finally {
    db?.close();
  }
}
