import { describe, expect, it } from 'vitest';
import { buildAndPush, labDocker, runContainer, uniqueName } from '../lab/index.js';
import { publishUpdate } from '../support/images.js';
import { useLab } from '../support/lab.js';
import { logLines, runCli } from '../support/tidewatch.js';

interface Entry {
  name: string;
  status: string;
  reason?: string | null;
  action?: string;
}

/**
 * A label the engine would refuse at the update (a stop signal it does not know) or a timeout that
 * is no duration used to pass the label check: the container was reported current or
 * update-available, and every cycle pulled, failed at the engine and rolled back. Now the label is
 * refused when it is read, before any registry request or pull.
 */
describe('containers with bad labels are unknown before anything is pulled', () => {
  const docker = labDocker();
  const lab = useLab();

  it('check and once report them unknown with the reason, pull nothing for them, and update the rest', async () => {
    const cases = [
      { label: 'tidewatch.stop-signal', value: 'SIGFOO' },
      // A hook timeout without its hook: it was never read, so nothing said it was wrong.
      { label: 'com.centurylinklabs.watchtower.lifecycle.pre-update-timeout', value: 'abc' },
      { label: 'tidewatch.verify.timeout', value: '-5s' },
    ];
    const bad = await Promise.all(
      cases.map(async ({ label, value }) => {
        const repository = `${lab.registry.host}/${uniqueName('badlabel')}`;
        const name = uniqueName('badlabel');
        await buildAndPush(`${repository}:latest`);
        const container = await runContainer(name, `${repository}:latest`, { Labels: { [label]: value } });
        const { Image } = await container.inspect();
        const update = await publishUpdate(`${repository}:latest`, { env: ['VERSION=2'] });
        return {
          name,
          repository,
          id: container.id,
          imageId: Image,
          update,
          reason: `label ${label}="${value}"`,
        };
      }),
    );
    const goodImage = `${lab.registry.host}/${uniqueName('goodlabel')}:latest`;
    const good = uniqueName('goodlabel');
    await buildAndPush(goodImage);
    const { id: goodId } = await runContainer(good, goodImage, {
      Labels: { 'tidewatch.stop-signal': 'quit', 'tidewatch.lifecycle.pre-update-timeout': '0.5' },
    });
    await publishUpdate(goodImage, { env: ['VERSION=2'] });
    const names = [...bad.map((container) => container.name), good];
    await lab.registry.flush();
    lab.registry.resetRequests();

    const check = await runCli(['check', '--json', ...names]);
    expect(check.code, check.stderr).toBe(1);
    const checked = JSON.parse(check.stdout) as Entry[];
    for (const container of bad) {
      const entry = checked.find((candidate) => candidate.name === container.name);
      expect(entry).toMatchObject({ status: 'unknown' });
      expect(entry?.reason).toContain(container.reason);
      expect(entry?.reason).not.toContain('\n');
    }
    expect(checked.find((entry) => entry.name === good)).toMatchObject({ status: 'update-available' });

    const once = await runCli(['once', '--stop-timeout', '1s', ...names]);
    expect(once.code, once.stderr).toBe(1);
    for (const container of bad) {
      const said = logLines(once.stderr).filter((line) => line.container === container.name);
      expect(
        said.some((line) => String(line.reason).includes(container.reason)),
        once.stderr,
      ).toBe(true);
      const now = await docker.getContainer(container.name).inspect();
      expect(now.Id).toBe(container.id);
      expect(now.State.Running).toBe(true);
      expect(now.Image).toBe(container.imageId);
      // Never pulled: the new image is not in the engine, and the registry never heard of the repository.
      await expect(
        docker.getImage(`${container.repository}@${container.update.digest}`).inspect(),
      ).rejects.toMatchObject({ statusCode: 404 });
    }
    const goodNow = await docker.getContainer(good).inspect();
    expect(goodNow.Id).not.toBe(goodId);
    expect(goodNow.State.Running).toBe(true);

    await lab.registry.flush();
    const paths = lab.registry.requests().map((request) => request.path);
    for (const container of bad) {
      const repo = container.repository.slice(lab.registry.host.length + 1);
      expect(paths.filter((path) => path.startsWith(`/v2/${repo}/`))).toEqual([]);
    }
    // The good container's update did go to the registry: the log is read, not empty by accident.
    expect(paths.some((path) => /\/blobs\//.test(path))).toBe(true);
  });
});
