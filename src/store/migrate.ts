import type { Database } from 'better-sqlite3';
import { TidewatchError } from '../domain/index.js';
import { MIGRATIONS } from './migrations.js';

/** The schema version this code writes: the number of migration steps it knows. */
export const SCHEMA_VERSION = MIGRATIONS.length;

function userVersion(db: Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Brings the database at `file` up to SCHEMA_VERSION. Each step and its version bump commit
 * together, so a crash mid-migration leaves the previous version, never half of a step. A
 * database from a newer Tidewatch is refused: this code would not know its columns' meaning.
 */
export function migrate(db: Database, file: string, migrations: readonly string[] = MIGRATIONS): number {
  const found = userVersion(db);
  if (found > migrations.length) {
    throw new TidewatchError(
      'STORE_SCHEMA_TOO_NEW',
      `${file} has schema version ${found}, newer than this Tidewatch understands (${migrations.length}): ` +
        'run the Tidewatch version that wrote it, or point --data-dir elsewhere',
    );
  }
  migrations.slice(found).forEach((sql, index) => {
    const version = found + index + 1;
    db.transaction(() => {
      db.exec(sql);
      // PRAGMA takes no bound parameters; version is an integer we computed.
      db.pragma(`user_version = ${version}`);
    }).immediate();
  });
  return userVersion(db);
}
