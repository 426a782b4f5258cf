import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAndPush, buildImage, labDocker, runContainer, uniqueName } from '../lab/index.js';
import { useLab } from '../support/lab.js';
import { publishUpdate } from '../support/images.js';
import { expectExit, runCli } from '../support/tidewatch.js';

describe('stopped containers, --no-pull and the stop-signal label', () => {
  const docker = labDocker();
  const lab = useLab();
  let signalDir: string;

  beforeAll(() => {
    signalDir = mkdtempSync(join(tmpdir(), 'tw-signal-'));
  });
  afterAll(() => {
    rmSync(signalDir, { recursive: true, force: true });
  });

  it('ignores stopped containers by default, updates them with --include-stopped (they stay stopped), starts them with --revive-stopped', async () => {
    const image = `${lab.registry.host}/${uniqueName('stopped')}:latest`;
    await buildAndPush(image);
    const kept = uniqueName('stopped-kept');
    const revived = uniqueName('stopped-revived');
    for (const name of [kept, revived]) await (await runContainer(name, image)).stop({ t: 0 });
    await publishUpdate(image);
    const ids = async (): Promise<string[]> =>
      Promise.all([kept, revived].map(async (name) => (await docker.getContainer(name).inspect()).Id));
    const before = await ids();

    const ignored = await runCli(['check', '--json', kept]);
    expect(JSON.parse(ignored.stdout)).toEqual([]);

    expectExit(await runCli(['once', '--include-stopped', kept]));
    const keptNow = await docker.getContainer(kept).inspect();
    expect(keptNow.Id).not.toBe(before[0]);
    expect(keptNow.State.Running).toBe(false);

    const result = await runCli(['once', '--include-stopped', '--revive-stopped', revived]);
    expect(result.code, result.stderr).toBe(0);
    const revivedNow = await docker.getContainer(revived).inspect();
    expect(revivedNow.Id).not.toBe(before[1]);
    expect(revivedNow.State.Running).toBe(true);
  });

  it('--no-pull updates to an image pulled by someone else under the same tag, asking no registry', async () => {
    const image = `${lab.registry.host}/${uniqueName('nopull')}:latest`;
    await buildAndPush(image);
    const name = uniqueName('nopull');
    const { id } = await runContainer(name, image);
    const newImage = await buildImage(image); // a newer image under the tag, never pushed
    await lab.registry.flush();
    lab.registry.resetRequests();

    const check = await runCli(['check', '--json', '--no-pull', name]);
    expect(JSON.parse(check.stdout)).toMatchObject([
      { name, status: 'update-available', latestDigest: newImage },
    ]);
    const result = await runCli(['once', '--no-pull', '--stop-timeout', '1s', name]);
    expect(result.code, result.stderr).toBe(0);
    const now = await docker.getContainer(name).inspect();
    expect(now.Id).not.toBe(id);
    expect(now.Image).toBe(newImage);
    await lab.registry.flush();
    expect(lab.registry.requests()).toEqual([]);
  });

  it('stops with the signal from the stop-signal label', async () => {
    const image = `${lab.registry.host}/${uniqueName('signal')}:latest`;
    await buildAndPush(image);
    const name = uniqueName('signal');
    // The process records which signal reached it in a bind-mounted folder, then exits.
    const script = `trap 'touch /out/got-hup; exit 0' HUP; trap 'touch /out/got-term; exit 0' TERM; while true; do sleep 0.2; done`;
    await runContainer(name, image, {
      Cmd: ['sh', '-c', script],
      Labels: { 'com.centurylinklabs.watchtower.stop-signal': 'SIGHUP' },
      HostConfig: { Binds: [`${signalDir}:/out`] },
    });
    await publishUpdate(image);
    const result = await runCli(['once', '--stop-timeout', '20s', name]);
    expect(result.code, result.stderr).toBe(0);
    expect(readdirSync(signalDir)).toContain('got-hup');
    expect(readdirSync(signalDir)).not.toContain('got-term');
  });
});
