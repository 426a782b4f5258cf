import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pLimit from 'p-limit';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore, storeFile } from '../../src/store/index.js';
import { buildAndPush, labDocker, runContainer, uniqueName } from '../lab/index.js';
import { useLab } from '../support/lab.js';
import { publishUpdate } from '../support/images.js';
import { runCli } from '../support/tidewatch.js';

/**
 * Every journal step an update records, for both strategies (start-first renames the original
 * last, when the handover begins); a SIGKILL right after each must lose nothing.
 */
const STEPS = ['planned', 'pulled', 'old-renamed', 'new-created', 'new-started', 'verifying'] as const;
const CASES = [
  ...STEPS.map((step) => ['stop-first', step] as const),
  ...STEPS.map((step) => ['start-first', step] as const),
];

describe('crash recovery: SIGKILL at every journal step loses no container', () => {
  const docker = labDocker();
  const lab = useLab();
  const dirs: string[] = [];

  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  const limit = pLimit(3);
  it.concurrent.each(CASES)(
    '%s killed after "%s": the next start leaves it running under its name, nothing left over',
    (strategy, step) =>
      limit(async () => {
        const image = `${lab.registry.host}/${uniqueName('crash')}:latest`;
        await buildAndPush(image);
        const name = uniqueName(`crash-${step}`);
        const { id } = await runContainer(name, image, { Labels: { 'tidewatch.strategy': strategy } });
        const { imageId: newImage } = await publishUpdate(image);
        const dataDir = mkdtempSync(join(tmpdir(), 'tw-crash-'));
        dirs.push(dataDir);
        const env = { TIDEWATCH_DATA_DIR: dataDir };

        const killed = await runCli(['once', '--stop-timeout', '1s', name], {
          ...env,
          TIDEWATCH_TEST_CRASH_AFTER: step,
        });
        expect(killed.code).toBeNull(); // died by the signal, not an exit

        // The next start recovers before anything else (rolling back, or forward once a start-first
        // handover had begun); this `once` then retries the update if it is still needed.
        const next = await runCli(['once', '--stop-timeout', '1s', name], env);
        expect(next.code, next.stderr).toBe(0);
        expect(next.stderr).toContain('recovered an interrupted update');

        const now = await docker.getContainer(name).inspect();
        expect(now.State.Running).toBe(true);
        const named = (await docker.listContainers({ all: true }))
          .flatMap((row) => row.Names)
          .filter((n) => n.includes(name));
        expect(named).toEqual([`/${name}`]);
        // Either way it ends on the new image, and the original is gone only because it was replaced.
        expect(now.Id).not.toBe(id);
        expect(now.Image).toBe(newImage);

        const store = openStore(storeFile(dataDir), { clock: Date.now });
        try {
          const states = store.history
            .list({ container: name, limit: 10 })
            .items.map((record) => record.state);
          // Newest first: the retry's commit (none when recovery rolled forward), then the recovered one.
          expect(states[0]).toBe('committed');
          expect(states.length).toBeLessThanOrEqual(2);
          expect(states.every((state) => ['committed', 'rolled-back', 'failed'].includes(state))).toBe(true);
          expect(store.journal.unfinished()).toEqual([]);
        } finally {
          store.close();
        }
      }),
  );

  it('a stopped container interrupted mid-update comes back stopped, as it was', async () => {
    const image = `${lab.registry.host}/${uniqueName('crash')}:latest`;
    await buildAndPush(image);
    const name = uniqueName('crash-stopped');
    await (await runContainer(name, image)).stop({ t: 0 });
    const { imageId: newImage } = await publishUpdate(image);
    const dataDir = mkdtempSync(join(tmpdir(), 'tw-crash-'));
    dirs.push(dataDir);
    const env = { TIDEWATCH_DATA_DIR: dataDir };
    const args = ['once', '--include-stopped', '--stop-timeout', '1s', name];

    const killed = await runCli(args, { ...env, TIDEWATCH_TEST_CRASH_AFTER: 'new-created' });
    expect(killed.code).toBeNull();
    const next = await runCli(args, env);
    expect(next.code, next.stderr).toBe(0);
    expect(next.stderr).toContain('recovered an interrupted update');
    const now = await docker.getContainer(name).inspect();
    expect(now.State.Running).toBe(false);
    expect(now.Image).toBe(newImage);
    const named = (await docker.listContainers({ all: true }))
      .flatMap((row) => row.Names)
      .filter((n) => n.includes(name));
    expect(named).toEqual([`/${name}`]);
  });
});
