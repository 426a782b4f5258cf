import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventBus, type TidewatchEvent } from '../../src/events/index.js';
import { createApprovalService, runCycle, type CycleDeps } from '../../src/updater/index.js';
import { buildAndPush, labDocker, runContainer, uniqueName } from '../lab/index.js';
import { publishUpdate } from '../support/images.js';
import { useLab } from '../support/lab.js';
import { expectExit, runCli, tempStore, tidewatchDeps } from '../support/tidewatch.js';

describe('approvals', () => {
  const docker = labDocker();
  const lab = useLab();
  const events: TidewatchEvent[] = [];
  let store: ReturnType<typeof tempStore>;
  let deps: CycleDeps;

  beforeAll(async () => {
    store = tempStore();
    const bus = new EventBus();
    bus.subscribe((event) => events.push(event));
    deps = { ...(await tidewatchDeps({ stopTimeout: '1s' })), store: store.store, events: bus };
  });
  afterAll(() => store?.close());

  /** A running container needing `votes` approvals, whose tag then moves to a new image. */
  async function awaitingApproval(
    votes: string,
  ): Promise<{ name: string; id: string; image: string; digest: string; newImage: string }> {
    const image = `${lab.registry.host}/${uniqueName('approve')}:1.0`;
    await buildAndPush(image);
    const name = uniqueName('approve');
    const { id } = await runContainer(name, image, { Labels: { 'tidewatch.approve': votes } });
    const pushed = await publishUpdate(image);
    return { name, id, image, digest: pushed.digest, newImage: pushed.imageId };
  }

  const cycle = async (name: string) =>
    (
      await runCycle(deps, {
        names: [name],
        update: true,
        signal: AbortSignal.timeout(60_000),
        trigger: 'cli',
      })
    ).entries.find((entry) => entry.name === name);
  const approvalEvents = (name: string) =>
    events.filter((event) => event.type === 'approval-needed' && event.container === name);

  it('a cycle records a pending approval and changes nothing; approved with the CLI, the next run applies it', async () => {
    const { name, id, image, digest, newImage } = await awaitingApproval('true');

    const first = await cycle(name);
    expect(first).toMatchObject({
      status: 'update-available',
      action: 'skipped',
      waitingFor: { kind: 'approval', state: 'pending', votes: 0, required: 1 },
    });
    const [approval] = store.store.approvals.list({ container: name });
    expect(approval).toMatchObject({ state: 'pending', toDigest: digest, image, requiredVotes: 1 });
    expect(first?.reason).toContain(`waiting for approval ${approval?.id}`);
    expect((await docker.getContainer(name).inspect()).Id).toBe(id);
    expect(approvalEvents(name)).toEqual([
      expect.objectContaining({
        approvalId: approval?.id,
        toDigest: digest,
        image,
        fromTag: '1.0',
        toTag: '1.0',
      }),
    ]);
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'update-skipped', container: name, toDigest: digest }),
    );

    // Still waiting: the same approval, announced once.
    expect(await cycle(name)).toMatchObject({ action: 'skipped' });
    expect(store.store.approvals.list({ container: name })).toHaveLength(1);
    expect(approvalEvents(name)).toHaveLength(1);

    // The CLI sees it, and says why in check; it works next to the open store, without its lock.
    const env = { TIDEWATCH_DATA_DIR: store.dir };
    const listed = await runCli(['approvals', '--json'], env);
    expect(listed.code, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout)).toContainEqual(
      expect.objectContaining({ id: approval?.id, state: 'pending' }),
    );
    const checked = await runCli(['check', '--json', name], env);
    expect(checked.code, checked.stderr).toBe(0);
    const reports = JSON.parse(checked.stdout) as Array<{ status: string; waitingFor: unknown }>;
    expect(reports).toHaveLength(1);
    expect(reports[0]?.status).toBe('update-available');
    expect(reports[0]?.waitingFor).toMatchObject({
      kind: 'approval',
      state: 'pending',
      approvalId: approval?.id,
    });
    const voted = await runCli(['approve', String(approval?.id), '--voter', 'alice'], env);
    expect(voted.code, voted.stderr).toBe(0);
    expect(voted.stdout).toContain('approved');

    const applied = await cycle(name);
    expect(applied, applied?.reason).toMatchObject({ action: 'updated' });
    const now = await docker.getContainer(name).inspect();
    expect(now.Id).not.toBe(id);
    expect(now.Image).toBe(newImage);
    expect(store.store.approvals.get(approval?.id ?? 0)).toMatchObject({
      state: 'applied',
      votes: [expect.objectContaining({ voter: 'alice', vote: 'approve' })],
    });
  });

  it('two votes needed: one is not enough; a rejection leaves the container as it was', async () => {
    const { name, id } = await awaitingApproval('2');
    await cycle(name);
    const [approval] = store.store.approvals.list({ container: name });
    const service = createApprovalService(store.store.approvals);
    expect(service.approve(approval?.id ?? 0, 'alice')).toMatchObject({
      ok: true,
      approval: { state: 'pending' },
    });
    expect(await cycle(name)).toMatchObject({
      action: 'skipped',
      waitingFor: { state: 'pending', votes: 1, required: 2 },
    });

    expect(service.reject(approval?.id ?? 0, 'bob')).toMatchObject({
      ok: true,
      approval: { state: 'rejected' },
    });
    const after = await cycle(name);
    expect(after).toMatchObject({ action: 'skipped', waitingFor: { kind: 'approval', state: 'rejected' } });
    expect(after?.reason).toBe(`approval ${approval?.id} was rejected by bob`);
    const now = await docker.getContainer(name).inspect();
    expect(now.Id).toBe(id);
    expect(now.State.Running).toBe(true);
    expect(store.store.history.list({ container: name }).items).toEqual([]);

    // A refused vote is a value, and the CLI says why with exit 1.
    const again = await runCli(['approve', String(approval?.id), '--voter', 'carol'], {
      TIDEWATCH_DATA_DIR: store.dir,
    });
    expectExit(again, 1);
    expect(again.stderr).toContain('it is rejected, no longer pending');
  });
});
