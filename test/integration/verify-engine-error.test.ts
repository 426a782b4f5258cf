import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore, storeFile } from '../../src/store/index.js';
import { buildAndPush, labDocker, runContainer, startEngineProxy, uniqueName } from '../lab/index.js';
import { startDaemon } from '../support/daemon.js';
import { eventually, publishUpdate } from '../support/images.js';
import { useLab } from '../support/lab.js';

describe('an engine error while run verifies an update', () => {
  const docker = labDocker();
  const lab = useLab();
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('rolls back without blaming the image, keeps serving, and the next cycle applies the update', async () => {
    const image = `${lab.registry.host}/${uniqueName('verr')}:latest`;
    await buildAndPush(image);
    const name = uniqueName('verr');
    const scope = uniqueName('verr-scope');
    const original = await runContainer(name, image, { Labels: { 'tidewatch.scope': scope } });
    const { imageId: newImage } = await publishUpdate(image);
    const dataDir = mkdtempSync(join(tmpdir(), 'tw-verr-'));
    dirs.push(dataDir);
    const proxy = await startEngineProxy();
    const daemon = await startDaemon(
      ['--scope', scope, '--stop-timeout', '1s', '--verify-window', '3s', '--interval', '2s'],
      { TIDEWATCH_DATA_DIR: dataDir, DOCKER_HOST: proxy.dockerHost },
    );
    let code: number | null;
    try {
      await eventually(daemon.stderr, (text) => text.includes('verifying the new containers'), 30_000);
      // The next read of the new container's state fails, as an engine hiccup would.
      proxy.failMatching(/^GET \/containers\/[^/]+\/json/, 1);
      await eventually(daemon.stderr, (text) => text.includes('"msg":"updated"'), 60_000);
    } finally {
      code = await daemon.stop();
      await proxy.stop();
    }
    expect(code).toBe(0);
    expect(daemon.stderr()).toContain('the engine failed while verifying');

    const now = await docker.getContainer(name).inspect();
    expect(now.Image).toBe(newImage);
    expect(now.Id).not.toBe(original.id);
    const store = openStore(storeFile(dataDir), { clock: Date.now });
    try {
      const rows = store.history.list({ container: name, limit: 10 }).items;
      // Newest first: the retry committed; the first attempt was rolled back for the engine's error.
      expect(rows.map((row) => row.state)).toEqual(['committed', 'rolled-back']);
      expect(rows[1]?.reason).toContain('the engine failed while verifying');
      expect(store.badDigests.list(name)).toEqual([]);
    } finally {
      store.close();
    }
  });
});
