import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, storeFile, type Store } from '../../src/store/index.js';
import { runCycle, type CycleDeps } from '../../src/updater/index.js';
import { buildAndPush, labDocker, runContainer, uniqueName } from '../lab/index.js';
import { publishUpdate } from '../support/images.js';
import { useLab } from '../support/lab.js';
import { tidewatchDeps } from '../support/tidewatch.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * Cooldowns and windows with an injected clock: the cycle, the store and the policies all read
 * the same fake time, so days pass between two cycles without anybody sleeping.
 */
describe('cooldowns and maintenance windows, on a fake clock', () => {
  const docker = labDocker();
  const lab = useLab();
  // Friday 2026-01-02, noon UTC.
  let now = Date.parse('2026-01-02T12:00:00Z');
  const clock = (): number => now;
  const wakes: Array<{ names: readonly string[]; at: number }> = [];
  let dir: string;
  let store: Store;
  let deps: CycleDeps;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tw-policy-gates-'));
    store = openStore(storeFile(dir), { clock });
    deps = {
      ...(await tidewatchDeps({ stopTimeout: '1s' })),
      store,
      clock,
      wakeAt: (names, at) => wakes.push({ names, at }),
    };
  });
  afterAll(() => {
    store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function movedContainer(
    labels: Record<string, string>,
  ): Promise<{ name: string; id: string; newImage: string }> {
    const image = `${lab.registry.host}/${uniqueName('gates')}:2`;
    await buildAndPush(image);
    const name = uniqueName('gates');
    const { id } = await runContainer(name, image, { Labels: labels });
    const { imageId } = await publishUpdate(image);
    return { name, id, newImage: imageId };
  }

  const cycle = async (name: string, update = true) =>
    (
      await runCycle(deps, { names: [name], update, signal: AbortSignal.timeout(60_000), trigger: 'cli' })
    ).entries.find((entry) => entry.name === name);

  it('min-age: waits until the digest has been seen for 3 days, then applies it', async () => {
    const { name, id, newImage } = await movedContainer({ 'tidewatch.min-age': '3d' });
    const seenAt = now;
    const first = await cycle(name);
    expect(first).toMatchObject({
      status: 'update-available',
      action: 'skipped',
      waitingFor: { kind: 'cooldown', since: seenAt, until: seenAt + 3 * DAY, from: 'seen' },
    });
    expect(first?.reason).toBe(
      'cooldown: first seen 2026-01-02T12:00:00Z, old enough (3d) at 2026-01-05T12:00:00Z',
    );
    expect(wakes).toContainEqual({ names: [name], at: seenAt + 3 * DAY });

    now += 2 * DAY + 23 * HOUR;
    // The first sighting is remembered, not renewed by later cycles.
    expect(await cycle(name)).toMatchObject({ action: 'skipped', waitingFor: { until: seenAt + 3 * DAY } });
    expect((await docker.getContainer(name).inspect()).Id).toBe(id);

    now += HOUR;
    expect(await cycle(name)).toMatchObject({ action: 'updated' });
    expect((await docker.getContainer(name).inspect()).Image).toBe(newImage);
  });

  it("min-age from the image config's build time (min-age.from=created)", async () => {
    const before = Date.now() - 1000;
    const { name, newImage } = await movedContainer({
      'tidewatch.min-age': '3d',
      'tidewatch.min-age.from': 'created',
    });
    const after = Date.now() + 1000;
    now = Date.parse('2026-01-02T12:00:00Z');
    const first = await cycle(name);
    // The lab builds images with the real time as their creation time.
    expect(first).toMatchObject({ action: 'skipped', waitingFor: { kind: 'cooldown', from: 'created' } });
    const since = first?.waitingFor?.kind === 'cooldown' ? first.waitingFor.since : 0;
    expect(since).toBeGreaterThanOrEqual(before);
    expect(since).toBeLessThanOrEqual(after);
    expect(first?.reason).toContain('cooldown: built ');
    now = since + 3 * DAY;
    expect(await cycle(name)).toMatchObject({ action: 'updated' });
    expect((await docker.getContainer(name).inspect()).Image).toBe(newImage);
  });

  it('a window: outside it the update waits for the opening, inside it applies', async () => {
    now = Date.parse('2026-01-09T12:00:00Z'); // a Friday
    const { name, id, newImage } = await movedContainer({
      'tidewatch.window': 'Sat,Sun 02:00-05:00',
      'tidewatch.timezone': 'Europe/Berlin',
    });
    const opens = Date.parse('2026-01-10T01:00:00Z'); // Saturday 02:00 in Berlin (UTC+1)
    const outside = await cycle(name);
    expect(outside).toMatchObject({
      action: 'skipped',
      waitingFor: { kind: 'window', until: opens, window: 'Sat,Sun 02:00-05:00', timezone: 'Europe/Berlin' },
    });
    expect(outside?.reason).toContain('it opens 2026-01-10T01:00:00Z');
    expect(wakes).toContainEqual({ names: [name], at: opens });
    // check says the same, and changes nothing.
    expect(await cycle(name, false)).toMatchObject({
      status: 'update-available',
      waitingFor: { kind: 'window', until: opens },
    });
    expect((await docker.getContainer(name).inspect()).Id).toBe(id);

    now = opens + 30 * 60_000;
    expect(await cycle(name)).toMatchObject({ action: 'updated' });
    expect((await docker.getContainer(name).inspect()).Image).toBe(newImage);
  });

  it('an approved update still waits for its window', async () => {
    now = Date.parse('2026-01-12T12:00:00Z'); // a Monday
    const { name } = await movedContainer({
      'tidewatch.approve': 'true',
      'tidewatch.window': '03:00-04:00',
      'tidewatch.timezone': 'UTC',
    });
    expect(await cycle(name)).toMatchObject({ waitingFor: { kind: 'approval', state: 'pending' } });
    const [approval] = store.approvals.list({ container: name });
    store.approvals.vote(approval?.id ?? 0, 'alice', 'approve');
    expect(await cycle(name)).toMatchObject({
      action: 'skipped',
      waitingFor: { kind: 'window', until: Date.parse('2026-01-13T03:00:00Z') },
    });
    now = Date.parse('2026-01-13T03:10:00Z');
    expect(await cycle(name)).toMatchObject({ action: 'updated' });
    expect(store.approvals.get(approval?.id ?? 0)?.state).toBe('applied');
  });

  it('a pending approval expires at its deadline and is not asked for again', async () => {
    now = Date.parse('2026-01-14T12:00:00Z');
    const { name, id } = await movedContainer({
      'tidewatch.approve': 'true',
      'tidewatch.approve.deadline': '1h',
    });
    await cycle(name);
    const [approval] = store.approvals.list({ container: name });
    expect(approval).toMatchObject({ state: 'pending', deadlineAt: now + HOUR });
    now += HOUR;
    const after = await cycle(name);
    expect(after).toMatchObject({
      action: 'skipped',
      waitingFor: { kind: 'approval', state: 'expired', approvalId: approval?.id },
    });
    expect(store.approvals.get(approval?.id ?? 0)?.state).toBe('expired');
    expect(store.approvals.list({ container: name })).toHaveLength(1);
    expect((await docker.getContainer(name).inspect()).Id).toBe(id);
  });
});
