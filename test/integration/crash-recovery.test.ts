import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pLimit from 'p-limit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, storeFile } from '../../src/store/index.js';
import {
  assertEngine,
  buildAndPush,
  cleanupLab,
  labDocker,
  runContainer,
  startRegistry,
  uniqueName,
  type LabRegistry,
} from '../lab/index.js';
import { publishUpdate } from '../support/images.js';
import { runCli } from '../support/tidewatch.js';

/** Every journal step an update records; a SIGKILL right after each must lose nothing. */
const STEPS = ['planned', 'pulled', 'old-renamed', 'new-created', 'new-started', 'verifying'] as const;

describe('crash recovery: SIGKILL at every journal step loses no container', () => {
  const docker = labDocker();
  let registry: LabRegistry;
  const dirs: string[] = [];

  beforeAll(async () => {
    await assertEngine();
    registry = await startRegistry();
  });
  afterAll(async () => {
    await cleanupLab();
    await registry?.stop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  const limit = pLimit(3);
  it.concurrent.each(STEPS)(
    'killed after "%s": the next start leaves it running under its name, nothing left over',
    (step) =>
      limit(async () => {
        const image = `${registry.host}/${uniqueName('crash')}:latest`;
        await buildAndPush(image);
        const name = uniqueName(`crash-${step}`);
        const { id } = await runContainer(name, image);
        await publishUpdate(image);
        const dataDir = mkdtempSync(join(tmpdir(), 'tw-crash-'));
        dirs.push(dataDir);
        const env = { TIDEWATCH_DATA_DIR: dataDir };

        const killed = await runCli(['once', '--stop-timeout', '1s', name], {
          ...env,
          TIDEWATCH_TEST_CRASH_AFTER: step,
        });
        expect(killed.code).toBeNull(); // died by the signal, not an exit

        // The next start recovers before anything else; this `once` then retries the update.
        const next = await runCli(['once', '--stop-timeout', '1s', name], env);
        expect(next.code, next.stderr).toBe(0);
        expect(next.stderr).toContain('recovered an interrupted update');

        const now = await docker.getContainer(name).inspect();
        expect(now.State.Running).toBe(true);
        const named = (await docker.listContainers({ all: true }))
          .flatMap((row) => row.Names)
          .filter((n) => n.includes(name));
        expect(named).toEqual([`/${name}`]);
        // The retry committed a new container; the original is gone only because it was replaced.
        expect(now.Id).not.toBe(id);

        const store = openStore(storeFile(dataDir), { clock: Date.now });
        try {
          const records = store.history.list({ container: name, limit: 10 }).items;
          expect(records.map((record) => record.state)).toEqual([
            'committed',
            expect.stringMatching(/rolled-back|committed|failed/),
          ]);
          expect(store.journal.unfinished()).toEqual([]);
        } finally {
          store.close();
        }
      }),
  );
});
