import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
import { expectExit, runCli } from '../support/tidewatch.js';

interface Entry {
  name: string;
  status: string;
  reason: string | null;
}

describe('a failing registry leaves the container untouched and running', () => {
  const docker = labDocker();
  let registry: LabRegistry;
  let proxy: FaultProxy;
  let secured: LabRegistry;
  let configDir: string;

  beforeAll(async () => {
    await assertEngine();
    [registry, secured] = await Promise.all([
      startRegistry(),
      startRegistry({ htpasswd: { username: 'ci', password: 'right-password' } }),
    ]);
    proxy = await startFaultProxy(registry);
    configDir = mkdtempSync(join(tmpdir(), 'tw-docker-config-'));
  });

  afterAll(async () => {
    await cleanupLab();
    await proxy?.stop();
    await Promise.all([registry?.stop(), secured?.stop()]);
    rmSync(configDir, { recursive: true, force: true });
  });

  async function expectUntouched(name: string, id: string): Promise<void> {
    const now = await docker.getContainer(name).inspect();
    expect(now.Id).toBe(id);
    expect(now.State.Running).toBe(true);
  }

  it.each([
    ['500', 'error500', /server error \(HTTP 500\)/],
    ['garbage', 'garbage', /.+/],
  ] as const)(
    'a registry answering %s: unknown with the reason, exit 1, nothing changed',
    async (_label, mode, reason) => {
      const image = `${proxy.host}/${uniqueName('faulty')}:latest`;
      const name = uniqueName('faulty');
      proxy.setMode('pass');
      await buildAndPush(image);
      const { id } = await runContainer(name, image);
      await publishUpdate(image); // there is an update, but the registry will not say so
      proxy.setMode(mode);

      const check = await runCli(['check', '--json', name]);
      expectExit(check, 1);
      const [entry] = JSON.parse(check.stdout) as Entry[];
      expect(entry).toMatchObject({ name, status: 'unknown' });
      expect(entry?.reason).toMatch(reason);
      expect(entry?.reason).toContain(proxy.host);

      const once = await runCli(['once', name]);
      expectExit(once, 1);
      await expectUntouched(name, id);
    },
  );

  it('wrong credentials (401): unknown, exit 1, nothing changed; right ones update', async () => {
    const auth = { username: 'ci', password: 'right-password', serveraddress: secured.host };
    const image = `${secured.host}/${uniqueName('private')}:latest`;
    const name = uniqueName('private');
    await buildAndPush(image, {}, auth);
    const { id } = await runContainer(name, image);
    await publishUpdate(image, {}, auth);

    const basic = (password: string): string => Buffer.from(`ci:${password}`).toString('base64');
    writeFileSync(
      join(configDir, 'config.json'),
      JSON.stringify({ auths: { [secured.host]: { auth: basic('wrong') } } }),
    );
    const check = await runCli(['check', '--json', name], { DOCKER_CONFIG: configDir });
    expectExit(check, 1);
    const [entry] = JSON.parse(check.stdout) as Entry[];
    expect(entry).toMatchObject({ name, status: 'unknown' });
    expect(entry?.reason).toMatch(/unauthori[sz]ed|401|credentials/i);
    expect(check.stderr).not.toContain('wrong');
    expect(check.stderr).not.toContain(basic('wrong'));

    const once = await runCli(['once', name], { DOCKER_CONFIG: configDir });
    expectExit(once, 1);
    await expectUntouched(name, id);

    // With the right password (Watchtower's REPO_USER/REPO_PASS) the same container updates.
    const fixed = await runCli(['once', '--stop-timeout', '1s', name], {
      REPO_USER: 'ci',
      REPO_PASS: 'right-password',
    });
    expect(fixed.code, fixed.stderr).toBe(0);
    expect((await docker.getContainer(name).inspect()).Id).not.toBe(id);
    expect(fixed.stderr).not.toContain('right-password');
  });
});
