import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore, storeFile } from '../../src/store/index.js';
import { buildAndPush, labDocker, runContainer, uniqueName } from '../lab/index.js';
import { publishUpdate } from '../support/images.js';
import { useLab } from '../support/lab.js';
import { logLines, runCli } from '../support/tidewatch.js';

describe('SIGTERM of once in the middle of a verification', () => {
  const docker = labDocker();
  const lab = useLab();
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it.each(['stop-first', 'start-first'])(
    '%s: the update is undone, the original runs under its name, nothing is left, and a later once completes it',
    async (strategy) => {
      const image = `${lab.registry.host}/${uniqueName('term')}:latest`;
      await buildAndPush(image);
      const name = uniqueName(`term-${strategy}`);
      const original = await runContainer(name, image, { Labels: { 'tidewatch.strategy': strategy } });
      const { imageId: newImage } = await publishUpdate(image);
      const dataDir = mkdtempSync(join(tmpdir(), 'tw-term-'));
      dirs.push(dataDir);
      const env = { TIDEWATCH_DATA_DIR: dataDir };

      // A 120 s window: only the signal can end this run before runCli's 60 s limit kills it.
      const stopped = await runCli(
        ['once', '--stop-timeout', '1s', '--verify-window', '120s', name],
        env,
        60_000,
        { text: 'verifying the new containers', signal: 'SIGTERM' },
      );
      expect(stopped.code, stopped.stderr).toBe(1); // exited by itself (null: killed at the limit)
      const messages = logLines(stopped.stderr).map((line) => line.msg);
      expect(messages).toContain('update undone; the original containers run as before');
      expect(stopped.stderr).not.toContain('exiting with this update in flight');

      const now = await docker.getContainer(name).inspect();
      expect(now.Id).toBe(original.id);
      expect(now.State.Running).toBe(true);
      const copies = (await docker.listContainers({ all: true }))
        .flatMap((row) => row.Names)
        .filter((entry) => entry.includes(`${name}-tidewatch-`));
      expect(copies).toEqual([]);
      const store = openStore(storeFile(dataDir), { clock: Date.now });
      try {
        const [row] = store.history.list({ container: name, limit: 5 }).items;
        expect(row?.state).toBe('rolled-back');
        expect(row?.reason).toContain('stopped');
        // A shutdown says nothing about the image: its digest may be tried again.
        expect(store.badDigests.list(name)).toEqual([]);
        expect(store.plans.unfinished()).toEqual([]);
      } finally {
        store.close();
      }

      const again = await runCli(['once', '--stop-timeout', '1s', name], env);
      expect(again.code, again.stderr).toBe(0);
      expect((await docker.getContainer(name).inspect()).Image).toBe(newImage);
    },
  );
});
