import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAndPush, labDocker, runContainer, startEngineProxy, uniqueName } from '../lab/index.js';
import { publishUpdate } from '../support/images.js';
import { useLab } from '../support/lab.js';
import { expectExit, runCli } from '../support/tidewatch.js';

// `tidewatch.stop-timeout` is the stop request's `t` for that container, over --stop-timeout: the
// engine proxy records the request the engine got, so no wall time is asserted.
describe('the tidewatch.stop-timeout label', () => {
  const docker = labDocker();
  const lab = useLab();
  const name = uniqueName('stop-timeout');
  const dir = mkdtempSync(join(tmpdir(), 'tw-stop-timeout-'));

  beforeAll(async () => {
    const image = `${lab.registry.host}/${uniqueName('stop-timeout')}:latest`;
    await buildAndPush(image, { env: ['VERSION=one'] });
    // Ignores SIGTERM: only the engine's kill after `t` seconds stops it.
    await runContainer(name, image, {
      Cmd: ['sh', '-c', 'trap "" TERM; while true; do sleep 1; done'],
      Labels: { 'tidewatch.stop-timeout': '2s' },
    });
    await publishUpdate(image, { env: ['VERSION=two'] });
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('stops a container that ignores SIGTERM after the label’s timeout, not the global one', async () => {
    const proxy = await startEngineProxy();
    try {
      const env = { TIDEWATCH_DATA_DIR: dir, DOCKER_HOST: proxy.dockerHost, TIDEWATCH_STOP_TIMEOUT: '300s' };
      expectExit(await runCli(['once', name], env));
      const stops = proxy
        .mutating()
        .filter((request) => request.method === 'POST' && /^\/containers\/[^/]+\/stop/.test(request.path));
      expect(stops.length).toBeGreaterThan(0);
      for (const stop of stops) expect(new URL(stop.path, 'http://engine').searchParams.get('t')).toBe('2');
    } finally {
      await proxy.stop();
    }
    // It was stopped (killed after the label's 2 s) and replaced: the new image runs.
    expect((await docker.getContainer(name).inspect()).Config.Env).toContain('VERSION=two');
  });
});
