import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, storeFile } from '../../src/store/index.js';
import { parkedNameFor } from '../../src/updater/copies.js';
import { LAB_LABEL, RUN_ID, labDocker } from '../lab/index.js';
import { useLab } from '../support/lab.js';
import { checkCompleted, checkInvariants, snapshot, type Violation } from './invariants.js';
import {
  buildCase,
  buildSourceImages,
  member,
  removeCase,
  type FaultCase,
  type SourceImages,
} from './scenarios.js';

/**
 * The checker checked: a fault suite whose invariants pass on anything proves nothing. Each way
 * of losing or breaking a container is done by hand here, and the invariants must name it.
 */
describe('fault suite invariants catch what they should', () => {
  const lab = useLab();
  const docker = labDocker();
  let images: SourceImages;
  const cases: FaultCase[] = [];
  const dirs: string[] = [];

  beforeAll(async () => {
    images = await buildSourceImages(lab.registry);
  });
  afterAll(async () => {
    await Promise.all(cases.map((c) => removeCase(c)));
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  async function freshGroup(label: string): Promise<{ fault: FaultCase; dataDir: string }> {
    const fault = await buildCase('group', images, label);
    cases.push(fault);
    const dataDir = await mkdtemp(join(tmpdir(), 'tw-faults-check-'));
    dirs.push(dataDir);
    return { fault, dataDir };
  }
  const kinds = (violations: readonly Violation[]): string[] => violations.map((v) => v.kind);

  it('a group nobody touched passes the invariants, and is not complete', async () => {
    const { fault, dataDir } = await freshGroup('check-clean');
    const before = await snapshot(fault);
    expect(await checkInvariants(before, dataDir)).toEqual([]);
    expect(kinds(await checkCompleted(before, dataDir))).toEqual(['app not updated']);
  });

  it('names a parked original, a stopped member, an unfinished journal row and a bad digest', async () => {
    const { fault, dataDir } = await freshGroup('check-lost');
    const before = await snapshot(fault);
    const app = member(fault, 'app');
    // Parked now, as an update would: a copy an hour old is one any unscoped daemon running in
    // parallel may put back under its name (src/updater/reconcile.ts), hiding what this checks.
    await docker.getContainer(app.name).rename({ name: parkedNameFor(app.name) });
    await docker.getContainer(member(fault, 'side2').name).stop({ t: 0 });
    const store = openStore(storeFile(dataDir), { clock: Date.now });
    try {
      store.journal.plan({
        containerName: app.name,
        containerId: before.states.get('app')?.id ?? '',
        image: 'x:1',
        trigger: 'cli',
        strategy: 'stop-first',
      });
      store.badDigests.remember(app.name, `sha256:${'0'.repeat(64)}`, 'by hand');
    } finally {
      store.close();
    }
    expect(kinds(await checkInvariants(before, dataDir))).toEqual(
      expect.arrayContaining([
        'app missing',
        'side2 not running',
        'parked -tidewatch-old- container left',
        'journal has unfinished updates',
        'digest marked bad',
      ]),
    );
  });

  it('names a sharer left in a replaced provider’s namespace, a stale link and a monitor-only container moved by the tag', async () => {
    const { fault, dataDir } = await freshGroup('check-stale');
    const before = await snapshot(fault);
    const app = member(fault, 'app');
    const linkc = member(fault, 'linkc');
    // app replaced behind its sharers' and link client's back, on the default bridge like before.
    const original = await docker.getContainer(app.name).inspect();
    await docker.getContainer(app.name).remove({ force: true });
    // A container in between takes the IP the original had, so the replacement gets another one.
    const filler = await docker.createContainer({
      name: `${fault.scope}-filler`,
      Image: images.plainId,
      Labels: { [LAB_LABEL]: RUN_ID },
    });
    await filler.start();
    const replacement = await docker.createContainer({
      name: app.name,
      Image: original.Config.Image,
      Labels: original.Config.Labels,
    });
    await replacement.start();
    // linkc recreated on the new image of app's tag.
    await docker.getContainer(linkc.name).remove({ force: true });
    const moved = await docker.createContainer({
      name: linkc.name,
      Image: images.appNew,
      Labels: { ...original.Config.Labels, 'tidewatch.monitor-only': 'true' },
      HostConfig: { Links: [`${app.name}:db`] },
    });
    await moved.start();
    const found = kinds(await checkInvariants(before, dataDir));
    expect(found).toEqual(
      expect.arrayContaining([
        'side NetworkMode is not the current app',
        "side is not in the current app's network namespace",
        "linkc moved to app's new image",
        'unexpected container in the scope',
      ]),
    );
    await docker.getContainer(linkc.name).remove({ force: true });
    const stale = await docker.createContainer({
      name: linkc.name,
      Image: images.appOld,
      Labels: { ...original.Config.Labels, 'tidewatch.monitor-only': 'true' },
      HostConfig: { Links: [`${app.name}:db`] },
    });
    await stale.start();
    // Linked to the replacement: passes; then the replacement is replaced again, the link is stale.
    expect(kinds(await checkInvariants(before, dataDir))).not.toContain('linkc link resolves to a stale app');
    // The replacement keeps running (and its IP) under another name: the next one gets a new IP.
    await docker.getContainer(app.name).rename({ name: `${fault.scope}-filler2` });
    const again = await docker.createContainer({
      name: app.name,
      Image: original.Config.Image,
      Labels: original.Config.Labels,
    });
    await again.start();
    expect(kinds(await checkInvariants(before, dataDir))).toEqual(
      expect.arrayContaining(['linkc link resolves to a stale app']),
    );
  });
});
