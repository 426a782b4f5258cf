import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi, type Api } from '../../src/api/index.js';
import type { TidewatchEvent } from '../../src/events/index.js';
import {
  buildAndPush,
  labDocker,
  runContainer,
  startRegistry,
  uniqueName,
  type LabRegistry,
} from '../lab/index.js';
import { TOKEN, authHeaders, daemonHarness, type DaemonHarness } from '../support/api.js';
import { startDaemon } from '../support/daemon.js';
import { eventually, publishUpdate } from '../support/images.js';
import { useLab } from '../support/lab.js';
import { expectExit, logLines, runCli } from '../support/tidewatch.js';

const docker = labDocker();
const imageOf = async (name: string): Promise<string | undefined> =>
  (
    await docker
      .getContainer(name)
      .inspect()
      .catch(() => undefined)
  )?.Image;

describe('tidewatch run, told by the registry of a push, updates with no poll at all', () => {
  useLab();
  const dataDir = mkdtempSync(join(tmpdir(), 'tw-api-webhook-'));
  let registry: LabRegistry | undefined;
  afterAll(async () => {
    await registry?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('a push to a registry with notifications.endpoints reaches the running container', async () => {
    const scope = uniqueName('hook-scope');
    const daemon = await startDaemon(
      ['--no-startup-check', '--interval', '24h', '--scope', scope, '--stop-timeout', '1s'],
      { TIDEWATCH_DATA_DIR: dataDir, TIDEWATCH_API_TOKEN: TOKEN },
    );
    let code: number | null;
    try {
      const listening = logLines(daemon.stderr()).find((line) => line.msg === 'api listening');
      const url = String(listening?.url);
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect((await fetch(`${url}/healthz`)).status).toBe(200);

      // The Debian registry posts its events, with this header, from its own process on the host.
      registry = await startRegistry({
        notifications: {
          url: `${url}/api/v1/webhooks/registry`,
          headers: { Authorization: [`Bearer ${TOKEN}`] },
        },
      });
      const image = `${registry.host}/${uniqueName('hooked')}:latest`;
      const name = uniqueName('hooked');
      await buildAndPush(image);
      // That push is a run too (of no container yet): let it finish, so the next push is its own.
      await eventually(daemon.stderr, (text) => text.includes('check finished'), 20_000);
      const first = await runContainer(name, image, { Labels: { 'tidewatch.scope': scope } });
      const before = (await first.inspect()).Image;
      const { imageId } = await publishUpdate(image);

      expect(
        await eventually(
          () => imageOf(name),
          (id) => id === imageId,
          30_000,
        ),
      ).toBe(imageId);
      expect(before).not.toBe(imageId);
      // The new container runs before it is verified: stop only once the update committed, as a
      // SIGTERM mid-update would (rightly) undo it.
      await eventually(
        daemon.stderr,
        (text) => logLines(text).some((line) => line.msg === 'updated'),
        30_000,
      );
    } finally {
      code = await daemon.stop();
    }
    expect(code).toBe(0);
    const lines = logLines(daemon.stderr());
    const triggers = lines.filter((line) => line.msg === 'check started').map((line) => line.trigger);
    // One run per push (the first push, before the container ran, and the update): never a poll.
    expect(triggers).toEqual(['webhook:registry', 'webhook:registry']);
    expect(lines.filter((line) => line.msg === 'webhook accepted').length).toBe(2);
    const history = await runCli(['history', '--json'], { TIDEWATCH_DATA_DIR: dataDir });
    const records = JSON.parse(history.stdout) as Array<{ trigger: string; state: string }>;
    expect(records.map((record) => [record.state, record.trigger])).toEqual([
      ['committed', 'webhook:registry'],
    ]);
  });

  it('refuses to start when the port is taken, naming the address', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as { port: number };
    try {
      const result = await runCli(
        ['run', '--scope', uniqueName('nobody'), '--http-addr', `127.0.0.1:${port}`],
        {},
        30_000,
      );
      expectExit(result, 1);
      expect(result.stderr).toContain(
        `tidewatch: cannot serve the API on 127.0.0.1:${port}: listen EADDRINUSE`,
      );
    } finally {
      blocker.close();
    }
  });
});

describe('webhooks of each sender, in-process', () => {
  const lab = useLab();
  const scope = uniqueName('hook-scope');
  let harness: DaemonHarness;
  let api: Api;
  const events: TidewatchEvent[] = [];

  beforeAll(async () => {
    harness = await daemonHarness({ scope, stopTimeout: '1s' }, { TIDEWATCH_WEBHOOK_SECRET: 'hook-secret' });
    harness.events.subscribe((event) => events.push(event));
    // A long quiet time, so the five deliveries below fall in one window even on a loaded machine.
    api = createApi(harness.daemon, { debounceMs: 1000 });
  });
  afterAll(async () => {
    api.close();
    await harness?.close();
  });

  const post = async (path: string, body: unknown, headers: Record<string, string> = {}) => {
    const response = await api.app.request(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const runsOf = (trigger: string) =>
    events.filter((event) => event.type === 'check-started' && event.trigger === trigger).length;

  it('generic: many deliveries of one push update the container once: a run at once, one more for the rest', async () => {
    const repo = `${lab.registry.host}/${uniqueName('generic')}`;
    const name = uniqueName('generic');
    await buildAndPush(`${repo}:latest`);
    await runContainer(name, `${repo}:latest`, { Labels: { 'tidewatch.scope': scope } });
    const { imageId } = await publishUpdate(`${repo}:latest`);

    // The API token is not the webhook secret once --webhook-secret is set.
    expect((await post('/api/v1/webhooks/generic', { image: repo }, authHeaders())).status).toBe(401);
    for (let i = 0; i < 5; i++) {
      const accepted = await post(
        '/api/v1/webhooks/generic',
        { image: repo, tag: 'latest' },
        authHeaders('hook-secret'),
      );
      expect(accepted).toEqual({ status: 202, body: { accepted: [`${repo}:latest`] } });
    }
    expect(
      await eventually(
        () => imageOf(name),
        (id) => id === imageId,
        30_000,
      ),
    ).toBe(imageId);
    await harness.daemon.runs.whenIdle();
    // The first delivery starts its run at once; the four after it, within the quiet time, are
    // collected into one more run, which finds the container current.
    expect(runsOf('webhook:generic')).toBe(2);
    const records = harness.store.history.list({ container: name }).items;
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ state: 'committed', trigger: 'webhook:generic' });
  });

  it('each sender’s push names the image its containers use, and starts a run of its own kind', async () => {
    const sign = (body: unknown) =>
      `sha256=${createHmac('sha256', 'hook-secret').update(JSON.stringify(body)).digest('hex')}`;
    // One delivery at a time, each followed by its run: runs waiting together would be merged
    // (under the first one's trigger), which is the queue's business, not the sender's.
    const deliver = async (kind: string, query: string, body: unknown, headers: Record<string, string>) => {
      const answer = await post(`/api/v1/webhooks/${kind}${query}`, body, headers);
      const runs = await eventually(
        () => runsOf(`webhook:${kind}`),
        (count) => count > 0,
      );
      expect(runs).toBe(1);
      await harness.daemon.runs.whenIdle();
      return answer;
    };
    const ghcr = {
      action: 'published',
      package: {
        name: 'web',
        namespace: 'acme',
        package_type: 'container',
        package_version: { container_metadata: { tag: { name: 'v1', digest: 'sha256:1' } } },
      },
    };
    expect(
      await deliver('ghcr', '', ghcr, { 'x-github-event': 'package', 'x-hub-signature-256': sign(ghcr) }),
    ).toEqual({ status: 202, body: { accepted: ['ghcr.io/acme/web:v1'] } });
    expect(
      await post(
        '/api/v1/webhooks/ghcr',
        { zen: 'hi' },
        { 'x-github-event': 'ping', 'x-hub-signature-256': sign({ zen: 'hi' }) },
      ),
    ).toMatchObject({ status: 200, body: { accepted: [] } });

    const hub = { push_data: { tag: 'v2' }, repository: { repo_name: 'acme/web' } };
    expect(await deliver('dockerhub', '?secret=hook-secret', hub, {})).toEqual({
      status: 202,
      body: { accepted: ['docker.io/acme/web:v2'] },
    });
    const quay = { docker_url: 'quay.io/acme/web', updated_tags: ['v3'] };
    expect(await deliver('quay', '?secret=hook-secret', quay, {})).toEqual({
      status: 202,
      body: { accepted: ['quay.io/acme/web:v3'] },
    });
    const harbor = {
      type: 'PUSH_ARTIFACT',
      event_data: { resources: [{ tag: 'v4', resource_url: 'harbor.example.com/acme/web:v4' }] },
    };
    expect(await deliver('harbor', '', harbor, authHeaders('hook-secret'))).toEqual({
      status: 202,
      body: { accepted: ['harbor.example.com/acme/web:v4'] },
    });
    // A query secret is only for senders that cannot set headers (Harbor can).
    expect((await post('/api/v1/webhooks/harbor?secret=hook-secret', harbor)).status).toBe(401);
    expect(
      (await post('/api/v1/webhooks/generic', { image: 'Not A Ref' }, authHeaders('hook-secret'))).status,
    ).toBe(400);

    // Runs of images no container here uses check no container.
    const checked = events.filter(
      (event) => event.type === 'container-checked' && /acme\/web/.test(event.image),
    );
    expect(checked).toEqual([]);
  });
});
