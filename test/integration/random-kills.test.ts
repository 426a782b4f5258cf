import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, storeFile } from '../../src/store/index.js';
import { buildAndPush, labDocker, runContainer, uniqueName } from '../lab/index.js';
import { useLab } from '../support/lab.js';
import { publishUpdate } from '../support/images.js';
import { MAIN, cliEnv, runCli } from '../support/tidewatch.js';

const ROUNDS = 8;

describe('SIGKILL at random moments during many updates', () => {
  const docker = labDocker();
  const lab = useLab();
  let dataDir: string;

  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'tw-random-kill-'));
  });
  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('loses no container: after the last restart every one runs under its name, nothing left over', async () => {
    const scope = uniqueName('kill-scope');
    const strategies = ['stop-first', 'start-first', 'auto'];
    const containers = await Promise.all(
      strategies.map(async (strategy) => {
        const image = `${lab.registry.host}/${uniqueName('kill')}:latest`;
        await buildAndPush(image);
        const name = uniqueName(`kill-${strategy}`);
        await runContainer(name, image, {
          Labels: { 'tidewatch.scope': scope, 'tidewatch.strategy': strategy },
        });
        return { name, image };
      }),
    );
    const env = { TIDEWATCH_DATA_DIR: dataDir };

    for (let round = 0; round < ROUNDS; round++) {
      await Promise.all(containers.map(({ image }) => publishUpdate(image)));
      // A cycle over all three, killed somewhere in its first few seconds: each start recovers
      // what the previous kill interrupted, then is itself killed at another moment.
      const child = spawn(process.execPath, [MAIN, 'once', '--scope', scope, '--stop-timeout', '1s'], {
        env: cliEnv(env),
        stdio: 'ignore',
      });
      const exited = new Promise((resolve) => child.on('close', resolve));
      const delay = Math.floor(Math.random() * 4000);
      const timer = setTimeout(() => child.kill('SIGKILL'), delay);
      await exited;
      clearTimeout(timer);
    }

    const last = await runCli(['once', '--scope', scope, '--stop-timeout', '1s'], env);
    expect(last.code, last.stderr).toBe(0);
    const names = (await docker.listContainers({ all: true })).flatMap((row) => row.Names);
    for (const { name } of containers) {
      const now = await docker.getContainer(name).inspect();
      expect(now.State.Running, name).toBe(true);
      expect(names.filter((entry) => entry.includes(name))).toEqual([`/${name}`]);
    }
    const store = openStore(storeFile(dataDir), { clock: Date.now });
    try {
      expect(store.journal.unfinished()).toEqual([]);
    } finally {
      store.close();
    }
  });
});
