import { labIsPodman } from '../lab/lab-engine.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAndPush, freePort, labDocker, labLabels, runContainer, uniqueName } from '../lab/index.js';
import { useLab } from '../support/lab.js';
import { eventually, publishUpdate } from '../support/images.js';
import { expectExit, runCli } from '../support/tidewatch.js';

describe('a container whose tag moved is recreated on the new digest with its settings', () => {
  const docker = labDocker();
  const lab = useLab();
  let bindDir: string;
  const name = uniqueName('core');
  const network = uniqueName('core-net');
  let image: string;
  let hostPort: number;
  let oldId: string;
  let oldImageId: string;

  beforeAll(async () => {
    image = `${lab.registry.host}/${uniqueName('app')}:latest`;
    bindDir = mkdtempSync(join(tmpdir(), 'tw-core-bind-'));
    writeFileSync(join(bindDir, 'hello.txt'), 'hello\n');
    hostPort = await freePort();

    const first = await buildAndPush(image, { env: ['IMAGE_ENV=one'], labels: { 'image.label': 'v1' } });
    oldImageId = first.imageId;
    await docker.createNetwork({ Name: network, Labels: labLabels() });
    const container = await runContainer(name, image, {
      Env: ['USER_ENV=kept'],
      Cmd: ['sh', '-c', 'cat /data/hello.txt; sleep 3600'],
      Labels: { team: 'ops' },
      ExposedPorts: { '8080/tcp': {}, '5353/udp': {} },
      HostConfig: {
        NetworkMode: network,
        PortBindings: {
          '8080/tcp': [{ HostIp: '127.0.0.1', HostPort: String(hostPort) }],
          '5353/udp': [{ HostIp: '127.0.0.1', HostPort: '' }],
        },
        RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 3 },
        Binds: [`${bindDir}:/data:ro`],
      },
      NetworkingConfig: { EndpointsConfig: { [network]: { Aliases: ['svc-alias'] } } },
    });
    oldId = container.id;
    // The tag moves: same repository and tag, new image with a changed and a new ENV default.
    await publishUpdate(image, {
      env: ['IMAGE_ENV=two', 'NEW_DEFAULT=yes'],
      labels: { 'image.label': 'v2' },
    });
  });

  afterAll(() => {
    rmSync(bindDir, { recursive: true, force: true });
  });

  it('check reports update-available and changes nothing', async () => {
    const result = await runCli(['check', '--json', name]);
    expect(result.stderr).not.toContain('"level":"error"');
    expectExit(result);
    const [entry] = JSON.parse(result.stdout) as Array<Record<string, unknown>>;
    expect(entry).toMatchObject({ name, image, status: 'update-available', reason: null });
    expect(entry?.currentDigest).toMatch(/^sha256:/);
    expect(entry?.latestDigest).toMatch(/^sha256:/);
    expect(entry?.latestDigest).not.toBe(entry?.currentDigest);
    const after = await docker.getContainer(name).inspect();
    expect(after.Id).toBe(oldId);
    expect(after.Image).toBe(oldImageId);
  });

  it('once recreates it on the new image, keeping what the user set', async () => {
    const old = await docker.getContainer(oldId).inspect();
    const result = await runCli(['once', '--cleanup', '--keep-images', '0', '--stop-timeout', '1s', name]);
    expect(result.code, result.stderr).toBe(0);

    const now = await docker.getContainer(name).inspect();
    expect(now.Id).not.toBe(oldId);
    expect(now.State.Running).toBe(true);
    expect(now.Image).not.toBe(oldImageId);
    expect(now.Config.Image).toBe(image);

    // The user's settings survive.
    expect(now.Config.Env).toContain('USER_ENV=kept');
    expect(now.Config.Cmd).toEqual(['sh', '-c', 'cat /data/hello.txt; sleep 3600']);
    expect(now.Config.Labels).toMatchObject({ team: 'ops' });
    expect(now.HostConfig.PortBindings).toEqual(old.HostConfig.PortBindings);
    expect(now.HostConfig.RestartPolicy).toEqual({ Name: 'on-failure', MaximumRetryCount: 3 });
    // Podman reports its default bind options too (docs/podman.md): the same mount.
    const binds = (now.HostConfig.Binds ?? []).map((bind) =>
      labIsPodman() ? bind.replace(/,rprivate,rbind$/, '') : bind,
    );
    expect(binds).toEqual([`${bindDir}:/data:ro`]);
    expect(now.NetworkSettings.Networks[network]?.Aliases).toContain('svc-alias');
    expect(now.NetworkSettings.Networks[network]?.Aliases).not.toContain(oldId.slice(0, 12));
    expect(now.Config.Hostname).toBe(now.Id.slice(0, 12));

    // The new image's defaults apply: a changed ENV, a new ENV, a changed label.
    expect(now.Config.Env).toContain('IMAGE_ENV=two');
    expect(now.Config.Env).toContain('NEW_DEFAULT=yes');
    expect(now.Config.Env).not.toContain('IMAGE_ENV=one');
    expect(now.Config.Labels?.['image.label']).toBe('v2');

    // The old container is gone, and --cleanup removed its image.
    await expect(docker.getContainer(oldId).inspect()).rejects.toMatchObject({ statusCode: 404 });
    await expect(docker.getImage(oldImageId).inspect()).rejects.toMatchObject({ statusCode: 404 });
    const names = (await docker.listContainers({ all: true })).flatMap((row) => row.Names);
    expect(names.filter((entry) => entry.includes(name))).toEqual([`/${name}`]);

    // The bind mount works in the new container: its command printed the file.
    const logs = await eventually(
      async () => (await docker.getContainer(name).logs({ stdout: true, stderr: true })).toString(),
      (text) => text.includes('hello'),
    );
    expect(logs).toContain('hello');
  });

  it('a second cycle finds it current and changes nothing', async () => {
    const before = await docker.getContainer(name).inspect();
    const check = await runCli(['check', '--json', name]);
    expect(JSON.parse(check.stdout)).toMatchObject([{ name, status: 'current' }]);
    const result = await runCli(['once', name]);
    expect(result.code, result.stderr).toBe(0);
    expect((await docker.getContainer(name).inspect()).Id).toBe(before.Id);
  });
});
