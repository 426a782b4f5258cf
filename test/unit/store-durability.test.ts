import { statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { storeFile } from '../../src/store/index.js';
import { openIn, runNode, useCompiledStore, useTempDirs } from './store-fixtures.js';

const tempDir = useTempDirs();
const compiledStore = useCompiledStore();

// Journals two steps of an update, prints its id, then dies without closing anything.
const WRITE_AND_DIE = `
import { writeSync } from 'node:fs';
const [url, file] = process.argv.slice(1);
const { openStore } = await import(url);
const store = openStore(file, { clock: () => 1_700_000_000_000 });
const id = store.journal.plan({
  containerName: 'web', containerId: 'c1', image: 'nginx:1.27', trigger: 'startup', strategy: 'stop-first',
});
store.journal.advance(id, 'pulled', { toImageId: 'sha256:new' });
store.journal.advance(id, 'old-renamed', { parkedName: 'web-tidewatch-old' });
store.badDigests.remember('api', 'sha256:bad', 'crash loop');
writeSync(1, String(id));
process.kill(process.pid, 'SIGKILL');
`;

describe('durability', () => {
  it('keeps every committed step of a process that was SIGKILLed right after', async () => {
    const dir = tempDir();
    const result = await runNode(WRITE_AND_DIE, [compiledStore(), storeFile(dir)]);
    expect(result.signal).toBe('SIGKILL');
    const id = Number(result.stdout);
    expect(id).toBeGreaterThan(0);
    // Nothing was checkpointed or closed: the steps live only in the write-ahead log.
    expect(statSync(`${storeFile(dir)}-wal`).size).toBeGreaterThan(0);

    const store = openIn(dir);
    try {
      expect(store.journal.unfinished()).toEqual([
        expect.objectContaining({
          id,
          state: 'old-renamed',
          parkedName: 'web-tidewatch-old',
          toImageId: 'sha256:new',
          updatedAt: 1_700_000_000_000,
        }),
      ]);
      expect(store.badDigests.isBad('api', 'sha256:bad')).toBe(true);
    } finally {
      store.close();
    }
  });
});
