import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { LOCK_FILE, storeFile } from '../../src/store/index.js';
import { openIn, runNode, startNode, useCompiledStore, useTempDirs } from './store-fixtures.js';

const tempDir = useTempDirs();
const compiledStore = useCompiledStore();

// Opens the store at argv[2]; prints `ready` and holds it until killed, or prints the error as JSON.
const OPEN_AND_HOLD = `
const [url, file] = process.argv.slice(1);
const { openStore } = await import(url);
try {
  // Kept reachable: a store the garbage collector finalizes closes its lock, and the holder lets go.
  globalThis.held = openStore(file, { clock: Date.now });
} catch (error) {
  console.log(JSON.stringify({ code: error.code, message: error.message }));
  process.exit(0);
}
console.log('ready');
setInterval(() => undefined, 1000);
`;

// Prints `ready`, opens the store when told `go` on stdin, prints the outcome; holds until stdin ends.
const OPEN_ON_GO = `
import { createInterface } from 'node:readline';
const [url, file] = process.argv.slice(1);
const { openStore } = await import(url);
console.log('ready');
let store;
for await (const line of createInterface({ input: process.stdin })) {
  if (line !== 'go') continue;
  try {
    store = openStore(file, { clock: Date.now });
    console.log('result won');
  } catch (error) {
    console.log('result ' + error.code);
  }
}
store?.close();
`;

describe('the data dir lock', () => {
  it('refuses a second process with one line naming the holder pid', async () => {
    const dir = tempDir();
    const store = openIn(dir);
    try {
      const result = await runNode(OPEN_AND_HOLD, [compiledStore(), storeFile(dir)]);
      const error = JSON.parse(result.stdout) as { code: string; message: string };
      expect(error.code).toBe('STORE_LOCKED');
      expect(error.message).toContain(
        `data dir ${dir} is in use by another Tidewatch (pid ${process.pid} on `,
      );
      expect(error.message).not.toContain('\n');
    } finally {
      store.close();
    }
  });

  it('is refused here while a child holds it, and recovered once the child is SIGKILLed', async () => {
    const dir = tempDir();
    const holder = startNode(OPEN_AND_HOLD, [compiledStore(), storeFile(dir)]);
    await holder.ready;
    expect(() => openIn(dir)).toThrow(`is in use by another Tidewatch (pid ${holder.child.pid} on `);
    expect(() => openIn(dir)).toThrow(expect.objectContaining({ code: 'STORE_LOCKED' }));
    holder.child.kill('SIGKILL');
    expect((await holder.exited).signal).toBe('SIGKILL');
    // The dead holder's lock file is still there, naming its pid: the kernel dropped the lock itself.
    openIn(dir).close();
  });

  it('is refused to a second open in the same process', () => {
    const dir = tempDir();
    const store = openIn(dir);
    expect(() => openIn(dir)).toThrow(/in use by another Tidewatch \(pid \d+ on .*, this process\)/);
    store.close();
    store.close();
    openIn(dir).close();
  });

  it('is free for another process once closed', async () => {
    const dir = tempDir();
    openIn(dir).close();
    const holder = startNode(OPEN_AND_HOLD, [compiledStore(), storeFile(dir)]);
    await holder.ready;
    holder.child.kill('SIGKILL');
    await holder.exited;
  });

  it('ignores a stale lock file naming a process that is gone', () => {
    const dir = tempDir();
    openIn(dir).close();
    const lock = new Database(join(dir, LOCK_FILE));
    lock.prepare("UPDATE holder SET pid = 999999, host = 'gone' WHERE id = 1").run();
    lock.close();
    openIn(dir).close();
  });

  it('goes to exactly one of four processes that ask at the same moment', async () => {
    const dir = tempDir();
    const children = Array.from({ length: 4 }, () =>
      startNode(OPEN_ON_GO, [compiledStore(), storeFile(dir)]),
    );
    await Promise.all(children.map((running) => running.ready));
    for (const running of children) running.child.stdin.write('go\n');
    const results = await Promise.all(children.map((running) => running.line('result ')));
    for (const running of children) running.child.stdin.end();
    await Promise.all(children.map((running) => running.exited));
    expect(results.sort()).toEqual([
      'result STORE_LOCKED',
      'result STORE_LOCKED',
      'result STORE_LOCKED',
      'result won',
    ]);
  });

  it('says what to do with a lock file that is not one', () => {
    const dir = tempDir();
    writeFileSync(join(dir, LOCK_FILE), '12345\n'.repeat(100));
    expect(() => openIn(dir)).toThrow(
      expect.objectContaining({
        code: 'STORE_LOCK_FAILED',
        message: `${join(dir, LOCK_FILE)} is not a Tidewatch lock file: remove it if no Tidewatch is running`,
      }),
    );
  });
});
