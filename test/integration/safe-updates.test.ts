import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCycle } from '../../src/updater/index.js';
import { buildAndPush, labDocker, runContainer, uniqueName, type BuildOptions } from '../lab/index.js';
import { useLab } from '../support/lab.js';
import { publishUpdate } from '../support/images.js';
import { tempStore, tidewatchDeps } from '../support/tidewatch.js';

describe('verified updates and automatic rollback', () => {
  const docker = labDocker();
  const lab = useLab();
  let store: ReturnType<typeof tempStore>;

  beforeAll(() => {
    store = tempStore();
  });
  afterAll(() => {
    store?.close();
  });

  /** A running container whose tag then moves to an image built with `next`. */
  async function containerMovingTo(
    next: BuildOptions,
  ): Promise<{ name: string; id: string; digest: string }> {
    const image = `${lab.registry.host}/${uniqueName('safe')}:latest`;
    await buildAndPush(image);
    const name = uniqueName('safe');
    const { id } = await runContainer(name, image);
    const { digest } = await publishUpdate(image, next);
    return { name, id, digest };
  }

  async function cycle(name: string) {
    const deps = {
      ...(await tidewatchDeps({ stopTimeout: '1s', verifyWindow: '2s', verifyTimeout: '20s' })),
      store: store.store,
    };
    const report = await runCycle(deps, {
      names: [name],
      update: true,
      signal: new AbortController().signal,
      trigger: 'cli',
    });
    return report.entries.find((entry) => entry.name === name);
  }

  async function expectOriginalBack(name: string, id: string): Promise<void> {
    const now = await docker.getContainer(name).inspect();
    expect(now.Id).toBe(id);
    expect(now.State.Running).toBe(true);
    const leftovers = (await docker.listContainers({ all: true }))
      .flatMap((row) => row.Names)
      .filter((n) => n.includes(name));
    expect(leftovers).toEqual([`/${name}`]);
  }

  it('an image whose process exits at once is rolled back; the original runs again and the digest is not retried', async () => {
    const { name, id, digest } = await containerMovingTo({
      cmd: ['sh', '-c', 'echo starting; echo boom >&2; exit 3'],
    });
    const entry = await cycle(name);
    expect(entry).toMatchObject({ action: 'rolled-back' });
    expect(entry?.reason).toContain('exited with code 3');
    await expectOriginalBack(name, id);

    const [record] = store.store.history.list({ container: name, limit: 5 }).items;
    expect(record).toMatchObject({ state: 'rolled-back', toDigest: digest, containerId: id });
    expect(record?.reason).toContain('exited with code 3');
    expect(record?.logs).toContain('boom');
    expect(store.store.badDigests.isBad(name, digest)).toBe(true);

    // The next cycle sees the same digest and leaves the container alone.
    const again = await cycle(name);
    expect(again).toMatchObject({ status: 'update-available', action: 'skipped' });
    expect(again?.reason).toContain('rolled back before');
    await expectOriginalBack(name, id);
    expect(store.store.history.list({ container: name, limit: 5 }).items).toHaveLength(1);
  });

  it('an image whose healthcheck fails is rolled back', async () => {
    const { name, id } = await containerMovingTo({
      healthcheck: { test: ['CMD', 'false'], intervalMs: 500 },
    });
    const entry = await cycle(name);
    expect(entry?.action).toBe('rolled-back');
    expect(entry?.reason).toBe('its healthcheck reported unhealthy');
    await expectOriginalBack(name, id);
  });

  it('a good image is committed; the old container and its parked name are gone', async () => {
    const { name, id, digest } = await containerMovingTo({
      healthcheck: { test: ['CMD', 'true'], intervalMs: 500 },
    });
    const entry = await cycle(name);
    expect(entry?.action).toBe('updated');
    const now = await docker.getContainer(name).inspect();
    expect(now.Id).not.toBe(id);
    expect(now.State.Running).toBe(true);
    await expect(docker.getContainer(id).inspect()).rejects.toMatchObject({ statusCode: 404 });
    const leftovers = (await docker.listContainers({ all: true }))
      .flatMap((row) => row.Names)
      .filter((n) => n.includes(name));
    expect(leftovers).toEqual([`/${name}`]);
    const [record] = store.store.history.list({ container: name, limit: 5 }).items;
    expect(record).toMatchObject({
      state: 'committed',
      toDigest: digest,
      newContainerId: now.Id,
      trigger: 'cli',
    });
  });
});
