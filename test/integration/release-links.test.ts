import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAndPush, runContainer, uniqueName } from '../lab/index.js';
import { useLab } from '../support/lab.js';
import { publishUpdate } from '../support/images.js';
import { startHttpReceiver, type HttpReceiver } from '../support/receivers.js';
import { expectExit, runCli } from '../support/tidewatch.js';

const SOURCE = 'https://github.com/acme/release-app';

/** OCI labels as a CI build writes them: where the code is, which release, which commit. */
function ociLabels(version: string, revision: string): Record<string, string> {
  return {
    'org.opencontainers.image.source': `git+${SOURCE}.git`,
    'org.opencontainers.image.version': version,
    'org.opencontainers.image.revision': revision,
    'org.opencontainers.image.documentation': 'https://docs.example.com/release-app',
  };
}

describe('release links from the images’ OCI labels', () => {
  const lab = useLab();
  const name = uniqueName('relnotes');
  const plain = uniqueName('relnotes-plain');
  let image: string;
  let plainImage: string;

  beforeAll(async () => {
    image = `${lab.registry.host}/${uniqueName('relnotes-app')}:latest`;
    plainImage = `${lab.registry.host}/${uniqueName('relnotes-plain')}:latest`;
    await buildAndPush(image, { labels: ociLabels('v1.0.0', 'aaaa1111') });
    await runContainer(name, image, { Cmd: ['sleep', '3600'] });
    await publishUpdate(image, { labels: ociLabels('v1.1.0', 'bbbb2222') });
    // No OCI labels: no links, and no look-up of the new image's config.
    await buildAndPush(plainImage);
    await runContainer(plain, plainImage, { Cmd: ['sleep', '3600'] });
    await publishUpdate(plainImage);
  });

  it('the check table lists the compare view under the table, for the container that has links only', async () => {
    const result = expectExit(await runCli(['check', name, plain]));
    const notes = result.stdout.slice(result.stdout.indexOf('Release notes:'));
    expect(notes).toMatch(new RegExp(`\\n {2}${name} +${SOURCE}/compare/aaaa1111\\.\\.\\.bbbb2222`));
    expect(notes).not.toContain(plain);
  });

  it('check --json shows the release page and the compare view from the running revision to the new one', async () => {
    await lab.registry.flush();
    lab.registry.resetRequests();
    const result = await runCli(['check', '--json', name, plain]);
    expectExit(result);
    const entries = JSON.parse(result.stdout) as Array<Record<string, unknown>>;
    const linked = entries.find((entry) => entry.name === name);
    expect(linked).toMatchObject({ status: 'update-available' });
    expect(linked?.releaseLinks).toEqual({
      source: SOURCE,
      release: `${SOURCE}/releases/tag/v1.1.0`,
      compare: `${SOURCE}/compare/aaaa1111...bbbb2222`,
      documentation: 'https://docs.example.com/release-app',
    });
    const unlabelled = entries.find((entry) => entry.name === plain);
    expect(unlabelled).toMatchObject({ status: 'update-available', releaseLinks: null });

    // The new image's labels cost one config-blob GET; an image without OCI labels costs none.
    await lab.registry.flush();
    const blobGets = (ref: string): number => {
      const repo = ref.slice(ref.indexOf('/') + 1, ref.lastIndexOf(':'));
      return lab.registry
        .requests()
        .filter((r) => r.method === 'GET' && r.path.startsWith(`/v2/${repo}/blobs/`)).length;
    };
    expect(blobGets(image)).toBe(1);
    expect(blobGets(plainImage)).toBe(0);
  });
});

describe('a cooldown from the build time and the release links share one config fetch', () => {
  const lab = useLab();

  it('one config-blob GET for both, and the links are there while the update waits', async () => {
    const image = `${lab.registry.host}/${uniqueName('relnotes-age')}:latest`;
    await buildAndPush(image, { labels: ociLabels('v1.0.0', 'aaaa1111') });
    const name = uniqueName('relnotes-age');
    await runContainer(name, image, {
      Cmd: ['sleep', '3600'],
      Labels: { 'tidewatch.min-age': '1h', 'tidewatch.min-age.from': 'created' },
    });
    await publishUpdate(image, { labels: ociLabels('v1.1.0', 'bbbb2222') });
    await lab.registry.flush();
    lab.registry.resetRequests();
    const result = await runCli(['check', '--json', name]);
    expectExit(result);
    const [entry] = JSON.parse(result.stdout) as Array<Record<string, unknown>>;
    expect(entry?.waitingFor).toMatchObject({ kind: 'cooldown', from: 'created' });
    expect(entry?.releaseLinks).toMatchObject({ compare: `${SOURCE}/compare/aaaa1111...bbbb2222` });
    await lab.registry.flush();
    const repo = image.slice(image.indexOf('/') + 1, image.lastIndexOf(':'));
    const blobGets = lab.registry
      .requests()
      .filter((r) => r.method === 'GET' && r.path.startsWith(`/v2/${repo}/blobs/`));
    expect(blobGets).toHaveLength(1);
  });
});

describe('release links in notifications, delivered to a local receiver', () => {
  const lab = useLab();
  let receiver: HttpReceiver;
  const dirs: string[] = [];
  beforeAll(async () => {
    receiver = await startHttpReceiver();
  });
  afterAll(async () => {
    await receiver.close();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  /** A running labelled container whose tag moves to a new release; its own receiver path and data dir. */
  async function moving(labels: Record<string, string> = {}) {
    const image = `${lab.registry.host}/${uniqueName('relnotes-notify')}:latest`;
    await buildAndPush(image, { labels: ociLabels('v1.0.0', 'aaaa1111') });
    const name = uniqueName('relnotes-notify');
    await runContainer(name, image, { Cmd: ['sleep', '3600'], Labels: labels });
    await publishUpdate(image, { labels: ociLabels('v1.1.0', 'bbbb2222') });
    const dir = mkdtempSync(join(tmpdir(), 'tw-relnotes-'));
    dirs.push(dir);
    const path = `/${uniqueName('hook')}`;
    const env = {
      TIDEWATCH_DATA_DIR: dir,
      TIDEWATCH_NOTIFICATION_URL: `generic+http://127.0.0.1:${receiver.port}${path}`,
      TIDEWATCH_STOP_TIMEOUT: '1s',
      TIDEWATCH_VERIFY_WINDOW: '2s',
    };
    const messages = () =>
      receiver.requests
        .filter((request) => request.path === path)
        .map((request) => request.json as { event: string; message: string; containers: unknown[] });
    return { name, env, messages };
  }

  const LINK_LINES = [
    `Release notes: ${SOURCE}/releases/tag/v1.1.0`,
    `Changes: ${SOURCE}/compare/aaaa1111...bbbb2222`,
    `Source: ${SOURCE}`,
    'Documentation: https://docs.example.com/release-app',
  ];

  it('the "updated" message has the release page and the compare view, as text and as fields', async () => {
    const { name, env, messages } = await moving();
    const result = await runCli(['once', name], env);
    expectExit(result);
    const [message] = messages();
    expect(message?.event).toBe('updated');
    for (const line of LINK_LINES) expect(message?.message.split('\n')).toContain(line);
    expect(message?.containers[0]).toMatchObject({
      container: name,
      releaseUrl: `${SOURCE}/releases/tag/v1.1.0`,
      compareUrl: `${SOURCE}/compare/aaaa1111...bbbb2222`,
    });
  });

  it('the approval message has them: what a person reads before approving', async () => {
    const { name, env, messages } = await moving({ 'tidewatch.approve': 'true' });
    const result = await runCli(['once', name], env);
    expectExit(result);
    const approval = messages().find((message) => message.event === 'approval-needed');
    expect(approval?.message).toContain('waits for approval');
    for (const line of LINK_LINES) expect(approval?.message.split('\n')).toContain(line);
  });
});
