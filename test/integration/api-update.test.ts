import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type ApiService } from '../../src/api/index.js';
import type { UpdateRecord } from '../../src/store/index.js';
import { buildAndPush, labDocker, runContainer, uniqueName } from '../lab/index.js';
import { TOKEN, authHeaders, daemonHarness, openEventStream, type DaemonHarness } from '../support/api.js';
import { publishUpdate } from '../support/images.js';
import { useLab } from '../support/lab.js';
import { parsePrometheus, sampleValue } from '../support/prometheus.js';

interface Report {
  checked: number;
  updated: number;
  entries: Array<{ name: string; status: string; action: string | null }>;
}

describe('the API over a running daemon (real engine and registry)', () => {
  const docker = labDocker();
  const lab = useLab();
  const scope = uniqueName('api-scope');
  let harness: DaemonHarness;
  let service: ApiService;
  let base: string;

  beforeAll(async () => {
    harness = await daemonHarness({ scope, stopTimeout: '1s' });
    service = await startApi(harness.daemon, { heartbeatMs: 200 });
    base = service.url ?? '';
  });
  afterAll(async () => {
    await service?.stop();
    await harness?.close();
  });

  const call = async <T>(
    method: string,
    path: string,
    token = TOKEN,
  ): Promise<{ status: number; body: T }> => {
    const response = await fetch(`${base}${path}`, { method, headers: authHeaders(token) });
    return { status: response.status, body: (await response.json()) as T };
  };
  const metrics = async (path = '/metrics') => {
    const response = await fetch(`${base}${path}`, { headers: authHeaders() });
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    return parsePrometheus(await response.text());
  };
  const imageOf = async (name: string): Promise<string> => (await docker.getContainer(name).inspect()).Image;
  const labels = { 'tidewatch.scope': scope };

  it('serves on the socket: health without a token, readiness against the engine', async () => {
    expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect(await (await fetch(`${base}/readyz`)).json()).toEqual({ status: 'ready' });
  });

  it('/v1/update?image=host:port/repo updates only the containers on that image', async () => {
    const repoA = `${lab.registry.host}/${uniqueName('wt-a')}`;
    const repoB = `${lab.registry.host}/${uniqueName('wt-b')}`;
    const a = uniqueName('wt-a');
    const b = uniqueName('wt-b');
    const firstA = (await buildAndPush(`${repoA}:latest`)).imageId;
    const firstB = (await buildAndPush(`${repoB}:latest`)).imageId;
    await runContainer(a, `${repoA}:latest`, { Labels: labels });
    await runContainer(b, `${repoB}:latest`, { Labels: labels });
    const newA = (await publishUpdate(`${repoA}:latest`)).imageId;
    await publishUpdate(`${repoB}:latest`);

    // The same repository on another registry port is another image: nothing is checked.
    const otherPort = repoA.replace(/:(\d+)\//, (_all, port: string) => `:${Number(port) + 1}/`);
    const miss = await call<Report>('POST', `/v1/update?image=${otherPort}`);
    expect(miss.status).toBe(200);
    expect(miss.body.entries).toEqual([]);
    expect(await imageOf(a)).toBe(firstA);

    const hit = await call<Report>('POST', `/v1/update?image=${repoA}`);
    expect(hit.status).toBe(200);
    expect(hit.body.entries.map((entry) => [entry.name, entry.action])).toEqual([[a, 'updated']]);
    expect(await imageOf(a)).toBe(newA);
    expect(await imageOf(b)).toBe(firstB);
    const history = harness.store.history.list({ container: a }).items;
    expect(history.map((record) => [record.state, record.trigger])).toEqual([['committed', 'api']]);
  });

  it('streams the steps of an update in order, resumes after Last-Event-ID, and the metrics move', async () => {
    const image = `${lab.registry.host}/${uniqueName('sse')}:latest`;
    const name = uniqueName('sse');
    await buildAndPush(image);
    await runContainer(name, image, { Labels: labels });
    await publishUpdate(image);
    const before = await metrics();
    const committedBefore = sampleValue(before, 'tidewatch_updates_total', { outcome: 'committed' }) ?? NaN;
    const scansBefore = sampleValue(await metrics('/v1/metrics'), 'watchtower_scans_total') ?? NaN;

    const stream = await openEventStream(`${base}/api/v1/events`, authHeaders());
    try {
      const update = await call<Report['entries'][number]>('POST', `/api/v1/containers/${name}/update`);
      expect(update.body).toMatchObject({ name, status: 'update-available', action: 'updated' });
      const events = await stream.waitFor((received) =>
        received.some((event) => event.event === 'check-finished'),
      );
      const steps = events
        .filter((event) => event.event === 'update-step')
        .map((event) => ({
          id: Number(event.id),
          update: (JSON.parse(event.data) as { update: UpdateRecord }).update,
        }))
        .filter((step) => step.update.containerName === name);
      expect(steps.map((step) => step.update.state)).toEqual([
        'planned',
        'pulled',
        'old-renamed',
        'new-created',
        'new-started',
        'verifying',
        'committed',
      ]);
      const ids = events.map((event) => Number(event.id));
      expect(ids).toEqual([...ids].sort((x, y) => x - y));
      expect(new Set(ids).size).toBe(ids.length);
      const names = events.map((event) => event.event);
      expect(names[0]).toBe('check-started');
      expect(names.indexOf('container-checked')).toBeLessThan(names.indexOf('update-step'));

      // A client that saw up to "pulled" gets the rest, and only update steps when it asks so.
      const pulled = steps[1]?.id ?? NaN;
      const resumed = await openEventStream(`${base}/api/v1/events?types=update-step`, {
        ...authHeaders(),
        'last-event-id': String(pulled),
      });
      try {
        const replay = await resumed.waitFor((received) => received.length >= 5, 10_000);
        expect(
          replay.map((event) => (JSON.parse(event.data) as { update: UpdateRecord }).update.state),
        ).toEqual(['old-renamed', 'new-created', 'new-started', 'verifying', 'committed']);
        expect(replay.every((event) => Number(event.id) > pulled)).toBe(true);
        // Heartbeats keep an idle stream open.
        await eventuallyTrue(() => resumed.comments.includes('heartbeat'));
      } finally {
        resumed.close();
      }
    } finally {
      stream.close();
    }

    const after = await metrics();
    expect(sampleValue(after, 'tidewatch_updates_total', { outcome: 'committed' })).toBe(committedBefore + 1);
    expect(sampleValue(after, 'tidewatch_checks_total', { trigger: 'api' })).toBeGreaterThanOrEqual(1);
    expect(sampleValue(after, 'tidewatch_check_duration_seconds_count')).toBeGreaterThanOrEqual(1);
    expect(sampleValue(after, 'tidewatch_last_successful_check_timestamp_seconds')).toBeGreaterThan(0);
    expect(
      sampleValue(after, 'tidewatch_registry_requests_total', {
        registry: lab.registry.host,
        kind: 'manifest',
        status: '200',
      }),
    ).toBeGreaterThanOrEqual(1);
    expect(sampleValue(after, 'tidewatch_containers', { status: 'current' })).toBeGreaterThanOrEqual(1);
    expect(sampleValue(after, 'tidewatch_build_info')).toBe(1);
    expect(sampleValue(after, 'tidewatch_approvals_pending')).toBe(0);
    expect(sampleValue(after, 'tidewatch_notifications_delivered_total')).toBe(0);
    // Found and applied in one run: no longer pending.
    expect(after.filter((sample) => sample.name === 'tidewatch_update_pending_since_seconds')).toEqual([]);
    const watchtower = await metrics('/v1/metrics');
    expect(sampleValue(watchtower, 'watchtower_scans_total')).toBe(scansBefore + 1);
    expect(sampleValue(watchtower, 'watchtower_containers_updated')).toBe(1);
  });

  it('lists containers with their status and last update, pages the history, rolls back and forgets', async () => {
    const image = `${lab.registry.host}/${uniqueName('rb')}:latest`;
    const name = uniqueName('rb');
    const { imageId: first } = await buildAndPush(image);
    await runContainer(name, image, { Labels: labels });
    const pinned = uniqueName('pinned');
    const project = uniqueName('project');
    await runContainer(pinned, image, {
      Labels: { ...labels, 'tidewatch.policy': 'semver:^1', 'com.docker.compose.project': project },
    });
    // As a start-first update leaves one while it verifies: shown inside its container's row.
    const copy = `${pinned}-tidewatch-new-${Date.now().toString(36)}`;
    await runContainer(copy, image, { Labels: labels });
    // Between a start-first switch's two renames the name is free: its parked copy stands in.
    const between = uniqueName('between');
    const parked = `${between}-tidewatch-old-${Date.now().toString(36)}`;
    await runContainer(parked, image, { Labels: labels });

    const unchecked = await call<{ items: Array<Record<string, unknown>> }>('GET', '/api/v1/containers');
    expect(unchecked.body.items.find((item) => item.name === name)).toMatchObject({
      image,
      tag: 'latest',
      status: 'unchecked',
      state: 'running',
      policy: 'digest',
      currentDigest: null,
      lastUpdate: null,
    });
    expect(unchecked.body.items.find((item) => item.name === pinned)).toMatchObject({
      policy: 'semver:^1',
      project,
      copies: [
        { name: copy, role: 'new', state: 'running', id: expect.stringMatching(/^[0-9a-f]{64}$/) as unknown },
      ],
    });
    expect(unchecked.body.items.find((item) => item.name === name)).toMatchObject({
      project: null,
      copies: [],
      heldBack: null,
    });
    expect(unchecked.body.items.map((item) => item.name)).not.toContain(copy);
    expect(unchecked.body.items.find((item) => item.name === between)).toMatchObject({
      state: 'running',
      copies: [{ name: parked, role: 'old', state: 'running' }],
    });
    expect(unchecked.body.items.map((item) => item.name)).not.toContain(parked);
    await docker.getContainer(copy).remove({ force: true });
    await docker.getContainer(parked).remove({ force: true });

    const { imageId: second } = await publishUpdate(image);
    const check = await call<Report>('POST', `/api/v1/check?container=${name}`);
    expect(check.body).toMatchObject({ checked: 1, updated: 1 });
    expect(await imageOf(name)).toBe(second);

    const one = await call<Record<string, unknown>>('GET', `/api/v1/containers/${name}`);
    expect(one.body).toMatchObject({
      name,
      status: 'current',
      badDigests: [],
      lastUpdate: { state: 'committed', trigger: 'api' },
    });
    expect(one.body.currentDigest).toMatch(/^sha256:/);
    expect(one.body.currentDigest).toBe(one.body.latestDigest);

    const rollback = await call<{ rolledBack: boolean; imageId: string }>(
      'POST',
      `/api/v1/containers/${name}/rollback`,
    );
    expect(rollback).toEqual({ status: 200, body: { rolledBack: true, imageId: first } });
    expect(await imageOf(name)).toBe(first);
    const nothing = await call<{ error: { code: string; message: string } }>(
      'POST',
      `/api/v1/containers/${pinned}/rollback`,
    );
    expect(nothing).toEqual({
      status: 409,
      body: {
        error: {
          code: 'conflict',
          message: `could not roll back ${pinned}: ${pinned} has no committed update to roll back`,
        },
      },
    });

    const page1 = await call<{ items: UpdateRecord[]; nextCursor: string | null }>(
      'GET',
      `/api/v1/updates?container=${name}&limit=1`,
    );
    expect(page1.body.items).toHaveLength(1);
    expect(page1.body.nextCursor).not.toBeNull();
    const page2 = await call<{ items: UpdateRecord[]; nextCursor: string | null }>(
      'GET',
      `/api/v1/updates?container=${name}&limit=1&cursor=${page1.body.nextCursor}`,
    );
    expect(page2.body.items).toHaveLength(1);
    expect(page2.body.nextCursor).toBeNull();
    expect(page2.body.items[0]?.id).toBeLessThan(page1.body.items[0]?.id ?? 0);
    const since = page1.body.items[0]?.startedAt ?? 0;
    const filtered = await call<{ items: UpdateRecord[] }>(
      'GET',
      `/api/v1/updates?container=${name}&outcome=committed&since=${new Date(since).toISOString()}`,
    );
    expect(filtered.body.items.map((record) => record.id)).toEqual([page1.body.items[0]?.id]);
    const record = await call<UpdateRecord>('GET', `/api/v1/updates/${page2.body.items[0]?.id}`);
    expect(record.body.containerName).toBe(name);

    // A check only: it finds the digest just rolled back from again, and changes nothing.
    const checkOnly = await call<Report>('POST', `/api/v1/check?container=${name}&update=false`);
    expect(checkOnly.body).toMatchObject({
      checked: 1,
      updated: 0,
      entries: [{ name, status: 'update-available', action: null }],
    });
    expect(await imageOf(name)).toBe(first);
    const held = await call<Record<string, unknown>>('GET', `/api/v1/containers/${name}`);
    expect(held.body).toMatchObject({
      status: 'update-available',
      heldBack: {
        digest: held.body.latestDigest,
        reason: 'rolled back by hand with tidewatch rollback',
        rolledBackAt: expect.any(Number) as unknown,
      },
    });

    const forget = await call<{ forgotten: number; digests: string[] }>(
      'DELETE',
      `/api/v1/containers/${name}/bad-digests`,
    );
    expect(forget.body.forgotten).toBe(1);
    expect(forget.body.digests[0]).toMatch(/^sha256:/);
    expect(
      (await call<{ forgotten: number }>('DELETE', `/api/v1/containers/${name}/bad-digests`)).body.forgotten,
    ).toBe(0);
    // Forgotten: an update again, no longer held back (and still not applied: nothing ran).
    const again = await call<Record<string, unknown>>('GET', `/api/v1/containers/${name}`);
    expect(again.body).toMatchObject({ status: 'update-available', heldBack: null });
    expect(await imageOf(name)).toBe(first);

    const rollbacks = sampleValue(await metrics(), 'tidewatch_rollbacks_total', { kind: 'manual' });
    expect(rollbacks).toBe(1);
    expect((await call('GET', `/api/v1/containers/${uniqueName('gone')}`)).status).toBe(404);
    expect((await call('POST', `/api/v1/containers/${uniqueName('gone')}/update`)).status).toBe(404);
  });
});

async function eventuallyTrue(predicate: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('condition not reached');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
