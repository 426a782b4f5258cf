import { chmodSync, existsSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { migrate } from './migrate.js';
import { BUSY_TIMEOUT_MS, openFailed } from './open-common.js';
import { makeDirs } from '../domain/dirs.js';

/**
 * One short write transaction on the store from a CLI command (token create/revoke, ...), next to
 * a running daemon or before it ever ran: no data dir lock (as approvals-access.ts votes), one
 * IMMEDIATE transaction SQLite orders with the daemon's writes. A store that does not exist yet
 * is created, owner-only.
 */
export function withStoreTransaction<T>(file: string, use: (db: Database.Database) => T): T {
  try {
    makeDirs(dirname(file), 0o700);
    const created = !existsSync(file);
    const db = new Database(file, { timeout: BUSY_TIMEOUT_MS });
    try {
      if (created) chmodSync(file, 0o600);
      db.pragma('journal_mode = WAL');
      migrate(db, file);
      return db.transaction(() => use(db)).immediate();
    } finally {
      db.close();
    }
  } catch (error) {
    throw openFailed(file, error);
  }
}
