import { describe, expect, it } from 'vitest';
import { runCycle } from '../../src/updater/index.js';
import { buildAndPush, labDocker, runContainer, uniqueName } from '../lab/index.js';
import { useLab } from '../support/lab.js';
import { publishUpdate } from '../support/images.js';
import { tidewatchDeps } from '../support/tidewatch.js';

describe('self-protection', () => {
  const docker = labDocker();
  const lab = useLab();

  it('never recreates the container Tidewatch runs in, nor one labelled as an updater', async () => {
    const image = `${lab.registry.host}/${uniqueName('self')}:latest`;
    await buildAndPush(image);
    const self = uniqueName('self');
    const watchtower = uniqueName('watchtower');
    const other = uniqueName('other');
    const { id: selfId } = await runContainer(self, image);
    const { id: watchtowerId } = await runContainer(watchtower, image, {
      Labels: { 'com.centurylinklabs.watchtower': 'true' },
    });
    const { id: otherId } = await runContainer(other, image);
    await publishUpdate(image);

    // As main.ts does when it finds its own id in /proc/self/mountinfo.
    const deps = { ...(await tidewatchDeps({ stopTimeout: '1s' })), selfId };
    const report = await runCycle(deps, {
      names: [self, watchtower, other],
      update: true,
      signal: new AbortController().signal,
    });
    const byName = Object.fromEntries(report.entries.map((entry) => [entry.name, entry]));
    expect(byName[self]).toMatchObject({
      status: 'skipped',
      reason: 'it is the container Tidewatch runs in',
    });
    expect(byName[watchtower]?.status).toBe('skipped');
    expect(byName[other]?.action).toBe('updated');
    expect((await docker.getContainer(self).inspect()).Id).toBe(selfId);
    expect((await docker.getContainer(watchtower).inspect()).Id).toBe(watchtowerId);
    expect((await docker.getContainer(other).inspect()).Id).not.toBe(otherId);
  });
});
