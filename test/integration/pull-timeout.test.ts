import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, storeFile } from '../../src/store/index.js';
import {
  assertEngine,
  buildAndPush,
  cleanupLab,
  labDocker,
  runContainer,
  startFaultProxy,
  startRegistry,
  uniqueName,
  type FaultProxy,
  type LabRegistry,
} from '../lab/index.js';
import { publishUpdate } from '../support/images.js';
import { logLines, runCli } from '../support/tidewatch.js';

// The engine pulls through the proxy itself: 127.0.0.1 is an insecure registry to dockerd by default.
describe('a pull that stalls is abandoned after --pull-timeout', () => {
  const docker = labDocker();
  let registry: LabRegistry;
  let proxy: FaultProxy;
  let dataDir: string;

  beforeAll(async () => {
    await assertEngine();
    registry = await startRegistry();
    proxy = await startFaultProxy(registry);
    dataDir = mkdtempSync(join(tmpdir(), 'tw-pull-timeout-'));
  });

  afterAll(async () => {
    await cleanupLab();
    await proxy?.stop(); // lets go of the stalled downloads
    await registry?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('`once` exits 1 in time, the container untouched, the reason in the log and the history', async () => {
    const repository = `${proxy.host}/${uniqueName('stall')}`;
    const image = `${repository}:latest`;
    const name = uniqueName('stall');
    proxy.setMode('pass');
    await buildAndPush(image);
    const { id } = await runContainer(name, image);
    const before = await docker.getContainer(name).inspect();
    const update = await publishUpdate(image, { env: ['VERSION=2'] });
    // Manifests answer; every blob download sends its headers and a byte, then nothing.
    proxy.setMode('stall', { paths: /\/blobs\// });

    const started = Date.now();
    const once = await runCli(
      ['once', '--pull-timeout', '2s', name],
      { TIDEWATCH_DATA_DIR: dataDir },
      60_000,
    );
    const tookMs = Date.now() - started;

    expect(once.code, once.stderr).toBe(1);
    // The 2 s of silence, plus start-up and the check: far from the 60 s a hang would take.
    expect(tookMs).toBeLessThan(30_000);
    // The engine did reach the blobs, and was stalled there.
    expect(proxy.requests().some((request) => /\/blobs\//.test(request.path))).toBe(true);

    const reason = new RegExp(
      `the pull of ${repository}@${update.digest} made no progress for 2s; abandoned \\(--pull-timeout\\)`,
    );
    expect(
      logLines(once.stderr).some((line) => reason.test(JSON.stringify(line))),
      once.stderr,
    ).toBe(true);

    const now = await docker.getContainer(id).inspect();
    expect(now.Id).toBe(id);
    expect(now.Name).toBe(`/${name}`);
    expect(now.State.Running).toBe(true);
    expect(now.Image).toBe(before.Image);
    // The new image never arrived.
    await expect(docker.getImage(`${repository}@${update.digest}`).inspect()).rejects.toMatchObject({
      statusCode: 404,
    });

    const store = openStore(storeFile(dataDir), { clock: Date.now });
    try {
      const rows = store.history.list({ container: name }).items;
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ containerName: name, state: 'failed' });
      expect(rows[0]?.reason).toMatch(reason);
    } finally {
      store.close();
    }
  });
});
