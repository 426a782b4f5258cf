import Database from 'better-sqlite3';
import { TidewatchError, describeError } from '../domain/index.js';
import type { Clock } from './clock.js';

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
