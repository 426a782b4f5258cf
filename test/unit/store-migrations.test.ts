import { writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { TidewatchError } from '../../src/domain/index.js';
import { migrate } from '../../src/store/migrate.js';
import { SCHEMA_VERSION, storeFile } from '../../src/store/index.js';
import { openIn, planInput, useTempDirs } from './store-fixtures.js';

const tempDir = useTempDirs();

function raw(file: string): Database.Database {
  return new Database(file);
}

function tables(file: string): string[] {
  const db = raw(file);
  try {
    return db
      .prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
      )
      .pluck()
      .all() as string[];
  } finally {
    db.close();
  }
}

describe('migrations', () => {
  it('create the schema in an empty directory, in WAL mode', () => {
    const dir = tempDir();
    const store = openIn(`${dir}/nested/deeper`);
    expect(store.schemaVersion).toBe(SCHEMA_VERSION);
    store.close();
    const file = storeFile(`${dir}/nested/deeper`);
    expect(tables(file)).toEqual([
      'announced',
      'api_tokens',
      'approval_votes',
      'approvals',
      'bad_digests',
      'bundle_tags',
      'bundles',
      'fleet_bad_digests',
      'fleet_tokens',
      'outbox',
      'plan_steps',
      'plans',
      'seen_digests',
      'updates',
    ]);
    const db = raw(file);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    db.close();
  });

  it('are idempotent: reopening keeps the data and the version', () => {
    const dir = tempDir();
    const first = openIn(dir);
    const id = first.journal.plan(planInput());
    first.close();
    const second = openIn(dir);
    expect(second.schemaVersion).toBe(SCHEMA_VERSION);
    expect(second.history.get(id)?.containerName).toBe('web');
    second.close();
  });

  it('refuse a database from a newer Tidewatch, naming the file, and release the lock', () => {
    const dir = tempDir();
    openIn(dir).close();
    const file = storeFile(dir);
    const db = raw(file);
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    const error = catchError(() => openIn(dir));
    expect(error).toBeInstanceOf(TidewatchError);
    expect(error).toMatchObject({ code: 'STORE_SCHEMA_TOO_NEW' });
    expect(String((error as Error).message)).toContain(file);
    expect((error as Error).message).not.toContain('\n');
    // The failed open let go of the data dir: a fixed database opens.
    const fix = raw(file);
    fix.pragma(`user_version = ${SCHEMA_VERSION}`);
    fix.close();
    openIn(dir).close();
  });

  it('run each step in a transaction with its version bump', () => {
    const file = storeFile(tempDir());
    const db = raw(file);
    const steps = ['CREATE TABLE a (x)', 'CREATE TABLE b (y); INSERT INTO missing VALUES (1)'];
    expect(() => migrate(db, file, steps)).toThrow(/missing/);
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    expect(db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'b'").pluck().get()).toBe(0);
    expect(migrate(db, file, steps.slice(0, 1))).toBe(1);
    db.close();
  });

  it('name the file when it is not a database', () => {
    const dir = tempDir();
    writeFileSync(
      storeFile(dir),
      'not sqlite at all, just some text that is long enough to matter'.repeat(10),
    );
    expect(() => openIn(dir)).toThrow(/cannot open the store .*tidewatch\.db: it is not a SQLite database/);
    writeFileSync(storeFile(dir), '');
    openIn(dir).close();
  });
});

function catchError(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}
