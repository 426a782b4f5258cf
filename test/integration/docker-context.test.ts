import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEngineProxy, type EngineProxy } from '../lab/index.js';
import { expectExit, runCli } from '../support/tidewatch.js';

/**
 * Docker CLI contexts against the real engine: a context store laid out as `docker context create`
 * writes it, whose endpoint is an engine proxy in front of the lab engine, so the proxy seeing the
 * requests proves which engine Tidewatch reached (DOCKER_CONTEXT, then config.json's currentContext).
 */
describe('the engine from a docker CLI context', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tw-contexts-'));
  let proxy: EngineProxy;

  beforeAll(async () => {
    proxy = await startEngineProxy();
    const id = createHash('sha256').update('tw-lab').digest('hex');
    mkdirSync(join(dir, 'contexts', 'meta', id), { recursive: true });
    writeFileSync(
      join(dir, 'contexts', 'meta', id, 'meta.json'),
      JSON.stringify({
        Name: 'tw-lab',
        Metadata: {},
        Endpoints: { docker: { Host: proxy.dockerHost, SkipTLSVerify: false } },
      }),
    );
  });
  afterAll(async () => {
    await proxy.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const check = (env: NodeJS.ProcessEnv) =>
    runCli(['check', '--json', 'tw-no-such-container'], { DOCKER_HOST: '', DOCKER_CONFIG: dir, ...env });

  it('DOCKER_CONTEXT names the context, and its endpoint is the engine reached', async () => {
    proxy.reset();
    // Exit 1: the container it asks about does not exist; the answer is the engine's.
    const result = expectExit(await check({ DOCKER_CONTEXT: 'tw-lab' }), 1);
    expect(JSON.parse(result.stdout)).toEqual([
      expect.objectContaining({ name: 'tw-no-such-container', reason: 'no such container' }),
    ]);
    expect(proxy.versionsUsed().length).toBeGreaterThan(0);
  });

  it("config.json's currentContext is used when nothing else names an engine", async () => {
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ currentContext: 'tw-lab' }));
    proxy.reset();
    const result = await check({});
    expect(result.stdout).toContain('no such container');
    expect(proxy.versionsUsed().length).toBeGreaterThan(0);
  });

  it('an unknown context is one line naming it, and exit 2 like a bad --host', async () => {
    const result = await check({ DOCKER_CONTEXT: 'tw-missing' });
    expectExit(result, 2);
    expect(result.stderr.trim().split('\n').at(-1)).toMatch(/docker context "tw-missing": not found/);
  });
});
