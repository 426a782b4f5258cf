import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { forgetBadDigests, openStoreReadOnly, storeFile } from '../../src/store/index.js';
import { openIn, planInput, runNode, useCompiledStore, useTempDirs } from './store-fixtures.js';

const tempDir = useTempDirs();
const compiledStore = useCompiledStore();

// Opens the store read-only at argv[2] in another process and prints what it sees as JSON.
const READ = `
const [url, file] = process.argv.slice(1);
const { openStoreReadOnly } = await import(url);
const store = openStoreReadOnly(file);
console.log(JSON.stringify(store?.history.list().items.map((item) => item.state) ?? null));
store?.close();
`;

// Forgets argv[3]'s bad digests in another process and prints how many.
const FORGET = `
const [url, file, name] = process.argv.slice(1);
const { forgetBadDigests } = await import(url);
console.log(forgetBadDigests(file, name).length);
`;

describe('the store without its lock (history and forget)', () => {
  it('finds no store in an empty data dir, and creates none', () => {
    const file = storeFile(tempDir());
    expect(openStoreReadOnly(file)).toBeUndefined();
    expect(forgetBadDigests(file, 'web')).toEqual([]);
    expect(openStoreReadOnly(file)).toBeUndefined();
  });

  it('reads what the lock holder committed, in flight too, while it holds the lock', () => {
    const dir = tempDir();
    const store = openIn(dir);
    try {
      const done = store.journal.plan(planInput());
      store.journal.finish(done, 'failed', { reason: 'pull failed' });
      const running = store.journal.plan(planInput({ containerName: 'db' }));
      store.journal.advance(running, 'pulled');
      const reader = openStoreReadOnly(store.file);
      expect(reader?.history.list().items.map((item) => [item.containerName, item.state])).toEqual([
        ['db', 'pulled'],
        ['web', 'failed'],
      ]);
      // Later commits are seen by the same reader.
      store.journal.advance(running, 'old-renamed');
      expect(reader?.history.get(running)?.state).toBe('old-renamed');
      reader?.close();
      reader?.close();
    } finally {
      store.close();
    }
  });

  it('reads from another process while this one holds the lock', async () => {
    const dir = tempDir();
    const store = openIn(dir);
    try {
      store.journal.plan(planInput());
      const result = await runNode(READ, [compiledStore(), store.file]);
      expect(result.stderr).toBe('');
      expect(JSON.parse(result.stdout)).toEqual(['planned']);
    } finally {
      store.close();
    }
  });

  it('forgets from another process while this one holds the lock and writes', async () => {
    const dir = tempDir();
    const store = openIn(dir);
    try {
      store.badDigests.remember('web', 'sha256:bad1', 'unhealthy');
      store.badDigests.remember('web', 'sha256:bad2', 'restarted');
      store.badDigests.remember('db', 'sha256:bad3', 'unhealthy');
      const result = await runNode(FORGET, [compiledStore(), store.file, 'web']);
      expect(result.stdout.trim()).toBe('2');
      expect(store.badDigests.isBad('web', 'sha256:bad1')).toBe(false);
      expect(store.badDigests.list('db')).toHaveLength(1);
      // The holder still writes after the other process's write.
      store.badDigests.remember('web', 'sha256:bad4', 'unhealthy');
      expect(store.badDigests.list('web')).toHaveLength(1);
    } finally {
      store.close();
    }
  });

  it('forgets and returns what it forgot, newest first', () => {
    const dir = tempDir();
    const store = openIn(dir);
    store.badDigests.remember('web', 'sha256:bad1', 'unhealthy');
    store.close();
    const forgotten = forgetBadDigests(storeFile(dir), 'web');
    expect(forgotten.map((bad) => [bad.digest, bad.reason])).toEqual([['sha256:bad1', 'unhealthy']]);
    expect(forgetBadDigests(storeFile(dir), 'web')).toEqual([]);
  });

  it('refuses to read a database written by a newer Tidewatch, naming the versions', () => {
    const dir = tempDir();
    openIn(dir).close();
    const db = new Database(storeFile(dir));
    db.pragma('user_version = 99');
    db.close();
    expect(() => openStoreReadOnly(storeFile(dir))).toThrow(
      /has schema version 99, newer than this Tidewatch/,
    );
    expect(() => forgetBadDigests(storeFile(dir), 'web')).toThrow(
      expect.objectContaining({ code: 'STORE_SCHEMA_TOO_NEW' }),
    );
  });

  it('treats a database that was never migrated as empty', () => {
    const dir = tempDir();
    new Database(storeFile(dir)).close();
    expect(openStoreReadOnly(storeFile(dir))).toBeUndefined();
    expect(forgetBadDigests(storeFile(dir), 'web')).toEqual([]);
  });

  it('names a file that is not a database', () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, 'tidewatch.db'),
      'not a database, just text that is long enough to matter'.repeat(20),
    );
    expect(() => openStoreReadOnly(storeFile(dir))).toThrow(
      `cannot open the store ${storeFile(dir)}: it is not a SQLite database`,
    );
  });
});
