import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi, type Api } from '../../src/api/index.js';
import { buildAndPush, labDocker, runContainer, uniqueName } from '../lab/index.js';
import { TOKEN, authHeaders, daemonHarness, type DaemonHarness } from '../support/api.js';
import { eventually, publishUpdate } from '../support/images.js';
import { useLab } from '../support/lab.js';

interface Approval {
  readonly id: number;
  readonly containerName: string;
  readonly state: string;
  readonly toDigest: string;
  readonly votes: ReadonlyArray<{ voter: string; vote: string }>;
}

/** Approvals over HTTP: listed, approved (the update then runs), rejected (nothing changes). */
describe('approvals over the API', () => {
  const docker = labDocker();
  const lab = useLab();
  let harness: DaemonHarness;
  let api: Api;
  const scope = uniqueName('apiapprove-scope');

  beforeAll(async () => {
    harness = await daemonHarness({ scope, stopTimeout: '1s' });
    api = createApi(harness.daemon);
  });
  afterAll(async () => {
    api?.close();
    await harness?.close();
  });

  const call = async (method: string, path: string, body?: unknown, token = TOKEN): Promise<Response> =>
    api.app.request(path, {
      method,
      headers: { ...authHeaders(token), 'content-type': 'application/json' },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });

  /** A running container that needs `votes` votes, whose tag then moves; a run leaves it pending. */
  async function pending(
    votes = 'true',
  ): Promise<{ name: string; id: string; digest: string; approval: Approval }> {
    const image = `${lab.registry.host}/${uniqueName('apiapprove')}:1.0`;
    await buildAndPush(image);
    const name = uniqueName('apiapprove');
    const { id } = await runContainer(name, image, {
      Labels: { 'tidewatch.approve': votes, 'tidewatch.scope': scope },
    });
    const { digest } = await publishUpdate(image);
    await harness.daemon.runs.request({ trigger: 'api', names: [name] });
    const listed = (await (await call('GET', `/api/v1/approvals?container=${name}`)).json()) as {
      items: Approval[];
    };
    expect(listed.items).toHaveLength(1);
    const [approval] = listed.items;
    if (!approval) throw new Error('no approval listed');
    expect(approval).toMatchObject({ containerName: name, state: 'pending', toDigest: digest });
    expect((await docker.getContainer(name).inspect()).Id).toBe(id);
    return { name, id, digest, approval };
  }

  it('an approval voted over the API runs the update', async () => {
    const { name, id, digest, approval } = await pending();
    expect(
      (await call('POST', `/api/v1/approvals/${approval.id}/approve`, { voter: 'alice' }, 'wrong')).status,
    ).toBe(401);
    const voted = await call('POST', `/api/v1/approvals/${approval.id}/approve`, { voter: 'alice' });
    expect(voted.status).toBe(200);
    expect(await voted.json()).toMatchObject({
      state: 'approved',
      votes: [{ voter: 'alice', vote: 'approve' }],
    });

    const record = await eventually(
      () => harness.store.history.list({ container: name, limit: 1 }).items[0],
      (found) => found?.state === 'committed',
      60_000,
    );
    // Voted with the shared token: the voter named in the body decided it.
    expect(record).toMatchObject({ state: 'committed', toDigest: digest, trigger: 'api', actor: 'alice' });
    expect((await docker.getContainer(name).inspect()).Id).not.toBe(id);
    // A second vote on a decided approval is a conflict, not a crash.
    const again = await call('POST', `/api/v1/approvals/${approval.id}/approve`, { voter: 'bob' });
    expect(again.status).toBe(409);
  });

  it('a rejection over the API leaves the container as it was', async () => {
    const { name, id, approval } = await pending();
    const rejected = await call('POST', `/api/v1/approvals/${approval.id}/reject`, { voter: 'carol' });
    expect(rejected.status).toBe(200);
    expect(await rejected.json()).toMatchObject({ state: 'rejected' });
    await harness.daemon.runs.request({ trigger: 'api', names: [name] });
    expect((await docker.getContainer(name).inspect()).Id).toBe(id);
    expect(harness.store.history.list({ container: name, limit: 5 }).items).toEqual([]);
    expect((await call('GET', `/api/v1/approvals/${approval.id}`)).status).toBe(200);
  });

  it('with named tokens, a vote is its holder: one person cannot cast two votes under two names', async () => {
    const { name, id, approval } = await pending('2');
    const alice = harness.store.apiTokens.create(uniqueName('alice'), 'operator');
    const bob = harness.store.apiTokens.create(uniqueName('bob'), 'operator');
    const viewer = harness.store.apiTokens.create(uniqueName('viewer'), 'viewer');
    const holders = harness.store.apiTokens.list().map((token) => token.name);
    const [aliceName, bobName] = [
      holders.find((n) => n.includes('alice')),
      holders.find((n) => n.includes('bob')),
    ];
    try {
      const path = `/api/v1/approvals/${approval.id}/approve`;
      expect((await call('POST', path, undefined, viewer)).status).toBe(403);
      const first = await call('POST', path, undefined, alice);
      expect(first.status).toBe(200);
      expect(await first.json()).toMatchObject({ state: 'pending', votes: [{ voter: aliceName }] });
      // The same person naming someone else: refused; voting again as herself: a conflict.
      const disguised = await call('POST', path, { voter: 'mallory' }, alice);
      expect(disguised.status).toBe(400);
      expect(((await disguised.json()) as { error: { message: string } }).error.message).toBe(
        `you vote as ${aliceName}; leave out voter or give that name`,
      );
      expect((await call('POST', path, undefined, alice)).status).toBe(409);
      const second = await call('POST', path, { voter: bobName }, bob);
      expect(second.status).toBe(200);
      expect(await second.json()).toMatchObject({
        state: 'approved',
        votes: [{ voter: aliceName }, { voter: bobName }],
      });
      const record = await eventually(
        () => harness.store.history.list({ container: name, limit: 1 }).items[0],
        (found) => found?.state === 'committed',
        60_000,
      );
      expect((await docker.getContainer(name).inspect()).Id).not.toBe(id);
      // The history names who decided it: the vote that approved it, not just "api".
      expect(record).toMatchObject({ trigger: 'api', actor: bobName });
      expect(harness.store.history.list({ actor: bobName }).items.map((r) => r.id)).toEqual([record?.id]);
      // A rollback asked for with a named token is its holder's too.
      expect((await call('POST', `/api/v1/containers/${name}/rollback`, undefined, alice)).status).toBe(200);
      expect((await docker.getContainer(name).inspect()).Image).toBe(record?.fromImageId);
      expect(harness.store.history.list({ container: name, limit: 1 }).items[0]).toMatchObject({
        state: 'committed',
        actor: aliceName,
      });
    } finally {
      for (const token of harness.store.apiTokens.list()) harness.store.apiTokens.revoke(token.name);
    }
  });

  it('bad ids and bodies get 4xx answers', async () => {
    expect((await call('POST', '/api/v1/approvals/999999/approve', { voter: 'x' })).status).toBe(404);
    expect((await call('POST', '/api/v1/approvals/abc/approve', { voter: 'x' })).status).toBe(400);
    expect((await call('POST', '/api/v1/approvals/1/approve', { voter: '' })).status).toBe(400);
    expect((await call('GET', '/api/v1/approvals?state=maybe')).status).toBe(400);
  });
});
