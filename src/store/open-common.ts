import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { TidewatchError, describeError } from '../domain/index.js';
import type { Clock } from './clock.js';
import { SCHEMA_VERSION } from './migrate.js';

// Only a reader or a WAL checkpoint can hold a lock a writer waits for, and only briefly; five
// seconds covers a slow disk (or the daemon's longest write, a migration step) without hanging.
export const BUSY_TIMEOUT_MS = 5000;

/** The one-line error for a store that cannot be opened, naming the file and the cause. */
export function openFailed(file: string, error: unknown): TidewatchError {
  if (error instanceof TidewatchError) return error;
  const notDb = error instanceof Database.SqliteError && error.code === 'SQLITE_NOTADB';
  const why = notDb ? 'it is not a SQLite database' : describeError(error);
  return new TidewatchError('STORE_OPEN_FAILED', `cannot open the store ${file}: ${why}`, { cause: error });
}

/** The clock of an opener that records nothing carrying a time: a call is a bug, not a value. */
export function noClock(who: string): Clock {
  return () => {
    throw new Error(`${who} records no times`);
  };
}

/**
 * For the readers that open the store next to a daemon: false for an empty database (created,
 * never migrated), which holds nothing yet; a newer or older schema is refused with what to do.
 */
export function hasCurrentSchema(db: Database.Database, file: string): boolean {
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

/**
 * Opens the store read-only next to a daemon (no lock, no migration) and builds a reader over it
 * with `build`, which is given a `close` for the reader to expose. Undefined when there is no store
 * yet, or an empty one; a store at another schema version, or one that cannot be opened, throws
 * one line naming the file.
 */
export function openReader<T>(
  file: string,
  build: (db: Database.Database, close: () => void) => T,
): T | undefined {
  if (!existsSync(file)) return undefined;
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true, timeout: BUSY_TIMEOUT_MS });
    if (!hasCurrentSchema(db, file)) {
      db.close();
      return undefined;
    }
    const open = db;
    return build(open, () => {
      if (open.open) open.close();
    });
  } catch (error) {
    db?.close();
    throw openFailed(file, error);
  }
}
