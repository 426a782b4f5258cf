import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildAndPush, labDocker, runContainer, startEngineProxy, uniqueName } from '../lab/index.js';
import { publishUpdate } from '../support/images.js';
import { useLab } from '../support/lab.js';
import { expectExit, runCli } from '../support/tidewatch.js';

/**
 * The API-version range the README claims, end to end as far as this machine's engine reaches: the
 * lab engine is Docker 20.10 (API 1.41), so the proxy makes it announce the oldest version claimed
 * (1.40, Docker 19.03) and Tidewatch must speak it on every request of a whole update; an engine
 * older than the range is refused in one line. API 1.44 to 1.52 (Docker 25 to 29) cannot run here:
 * their negotiation and request shapes are unit tests (engine-connection, recreate-spec).
 */
describe('API version negotiation against a real engine', () => {
  const docker = labDocker();
  const lab = useLab();
  const dir = mkdtempSync(join(tmpdir(), 'tw-api-versions-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('an engine announcing API 1.40 (Docker 19.03) is updated with 1.40 on every request', async () => {
    const image = `${lab.registry.host}/${uniqueName('apiv')}:latest`;
    await buildAndPush(image);
    const name = uniqueName('apiv');
    await runContainer(name, image);
    const { imageId: next } = await publishUpdate(image);
    const proxy = await startEngineProxy();
    try {
      proxy.announceApiVersion('1.40');
      const env = { TIDEWATCH_DATA_DIR: dir, DOCKER_HOST: proxy.dockerHost, TIDEWATCH_STOP_TIMEOUT: '1s' };
      expectExit(await runCli(['once', name], env));
      expect(proxy.versionsUsed()).toEqual(['1.40']);
      // A whole update went through: pull, create, start, remove.
      const paths = proxy.mutating().map((request) => `${request.method} ${request.path.split('?')[0]}`);
      expect(paths).toContain('POST /images/create');
      expect(paths).toContain('POST /containers/create');
    } finally {
      await proxy.stop();
    }
    // Read back from the engine.
    expect((await docker.getContainer(name).inspect()).Image).toBe(next);
  });

  it('an engine older than the range (API 1.39) is refused in one line, and nothing is asked of it', async () => {
    const proxy = await startEngineProxy();
    try {
      proxy.announceApiVersion('1.39');
      const result = await runCli(['check', '--json'], {
        TIDEWATCH_DATA_DIR: dir,
        DOCKER_HOST: proxy.dockerHost,
      });
      expectExit(result, 1);
      expect(result.stderr.trim().split('\n').at(-1)).toMatch(
        /the engine speaks API 1\.39; Tidewatch needs 1\.40 or newer \(Docker 19\.03\+\)/,
      );
      expect(proxy.versionsUsed()).toEqual([]);
    } finally {
      await proxy.stop();
    }
  });
});
