import type { Database } from 'better-sqlite3';
import { TidewatchError } from '../domain/index.js';
import { toUpdateRecord } from './update-row.js';
import type { UpdateRecord } from './update-types.js';

/** One update by id, shared by the journal and the history. */
export function updateById(db: Database): (id: number) => UpdateRecord | undefined {
  const select = db.prepare('SELECT * FROM update_records WHERE id = ?');
  return (id) => {
    const row = select.get(id);
    return row === undefined ? undefined : toUpdateRecord(row);
  };
}

export function updateNotFound(id: number): TidewatchError {
  return new TidewatchError('JOURNAL_NOT_FOUND', `no update with id ${id} in the store`);
}
