import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { TidewatchError } from '../domain/index.js';
import { createBadDigests, type BadDigest, type BadDigests } from './bad-digests.js';
import { BUSY_TIMEOUT_MS, noClock, openFailed } from './open-common.js';
import { createHistory, type History } from './history.js';
import { SCHEMA_VERSION } from './migrate.js';

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

/** false: an empty database (created, never migrated), which holds nothing yet. */
function hasSchema(db: Database.Database, file: string): boolean {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version === 0) return false;
  if (version > SCHEMA_VERSION) {
    throw new TidewatchError(
      'STORE_SCHEMA_TOO_NEW',
      `${file} has schema version ${version}, newer than this Tidewatch understands (${SCHEMA_VERSION}): ` +
        'use the Tidewatch version that wrote it',
    );
  }
  if (version < SCHEMA_VERSION) {
    throw new TidewatchError(
      'STORE_SCHEMA_OLD',
      `${file} has schema version ${version}, older than this Tidewatch reads (${SCHEMA_VERSION}): ` +
        'run this version of `tidewatch run` or `tidewatch once` once to upgrade it',
    );
  }
  return true;
}

/** Opens the store to read it; undefined when there is none yet (nothing was ever recorded). */
export function openStoreReadOnly(file: string): StoreReader | undefined {
  if (!existsSync(file)) return undefined;
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true, timeout: BUSY_TIMEOUT_MS });
    if (!hasSchema(db, file)) {
      db.close();
      return undefined;
    }
    const open = db;
    return {
      file,
      history: createHistory(open),
      badDigests: createBadDigests(open, noTimes),
      close: (): void => {
        if (open.open) open.close();
      },
    };
  } catch (error) {
    db?.close();
    throw openFailed(file, error);
  }
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
        if (!hasSchema(open, file)) return [];
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
