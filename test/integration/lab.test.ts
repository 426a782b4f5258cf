import { spawnSync } from 'node:child_process';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  LAB_LABEL,
  MANIFEST_ACCEPT,
  MEDIA_TYPES,
  RUN_ID,
  assertEngine,
  attestationDescriptor,
  buildAndPush,
  buildImage,
  cleanupLab,
  labDocker,
  labLabels,
  manifestDescriptor,
  pullImage,
  pushForeignManifest,
  putIndex,
  runContainer,
  startFaultProxy,
  startRegistry,
  sweepDeadRuns,
  uniqueName,
  type LabRegistry,
} from '../lab/index.js';

const docker = labDocker();
const runFilter = JSON.stringify({ label: [`${LAB_LABEL}=${RUN_ID}`] });

async function removeLocal(ref: string): Promise<void> {
  await docker.getImage(ref).remove({ force: true });
}

/** Polls `check` (bounded) until it returns true. */
async function eventually(check: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

describe('integration lab', () => {
  let registry: LabRegistry;

  beforeAll(async () => {
    await assertEngine();
    registry = await startRegistry();
  });

  afterAll(async () => {
    await registry?.stop();
    await cleanupLab();
  });

  it('builds an image with every configurable field', async () => {
    const ref = `${uniqueName('config')}:1`;
    const imageId = await buildImage(ref, {
      cmd: ['-c', 'sleep 60'],
      entrypoint: ['sh'],
      env: ['GREETING=hi'],
      labels: { 'com.example.role': 'web' },
      workdir: '/tmp',
      user: 'nobody',
      exposedPorts: ['8080', '53/udp'],
      volumes: ['/data'],
      healthcheck: { test: ['true'], intervalMs: 2_000 },
      stopSignal: 'SIGUSR1',
    });
    const image = await docker.getImage(ref).inspect();
    expect(image.Id).toBe(imageId);
    expect(image.Config).toMatchObject({
      Cmd: ['-c', 'sleep 60'],
      Entrypoint: ['sh'],
      WorkingDir: '/tmp',
      User: 'nobody',
      ExposedPorts: { '8080/tcp': {}, '53/udp': {} },
      Volumes: { '/data': {} },
      Healthcheck: { Test: ['CMD', 'true'], Interval: 2_000_000_000 },
      StopSignal: 'SIGUSR1',
      Labels: { 'com.example.role': 'web', [LAB_LABEL]: RUN_ID },
    });
    expect(image.Config.Env).toContain('GREETING=hi');
    // Same options, new marker: a different image.
    expect(await buildImage(`${uniqueName('config')}:1`)).not.toBe(imageId);
  });

  it('runs images as configured: user, workdir and a passing healthcheck', async () => {
    const ref = `${uniqueName('health')}:1`;
    await buildImage(ref, {
      user: 'nobody',
      workdir: '/tmp',
      healthcheck: { test: ['CMD-SHELL', 'test "$(id -u):$(pwd)" = 65534:/tmp'], intervalMs: 300 },
    });
    const container = await runContainer(uniqueName('health'), ref);
    await eventually(
      async () => (await container.inspect()).State.Health?.Status === 'healthy',
      'the container to become healthy',
    );
  });

  it('pushes an image and counts the manifest GET', async () => {
    const repo = uniqueName('push');
    const { digest } = await buildAndPush(`${registry.host}/${repo}:1.0`);
    expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);

    registry.resetRequests();
    const response = await fetch(`${registry.url}/v2/${repo}/manifests/1.0`, {
      headers: { Accept: MANIFEST_ACCEPT },
    });
    await response.arrayBuffer();
    expect(response.headers.get('docker-content-digest')).toBe(digest);
    expect(registry.manifestRequests(repo)).toEqual([
      // Node's fetch says `node`: the log's User-Agent tells a test's requests from Tidewatch's.
      { method: 'GET', path: `/v2/${repo}/manifests/1.0`, status: 200, userAgent: 'node' },
    ]);
    expect(registry.manifestRequests('someone-else')).toEqual([]);
  });

  it('runs a container from an image pulled from the lab registry', async () => {
    const repo = uniqueName('run');
    const ref = `${registry.host}/${repo}:latest`;
    const { imageId } = await buildAndPush(ref, { marker: 'hello from the lab' });
    await removeLocal(ref);

    registry.resetRequests();
    expect(await pullImage(ref)).toBe(imageId);
    await registry.flush();
    expect(registry.manifestRequests(repo).some((r) => r.method === 'GET' && r.status === 200)).toBe(true);

    const container = await runContainer(uniqueName('run'), ref, {
      Cmd: ['sh', '-c', 'cat /tidewatch-marker; exec sleep 3600'],
    });
    const info = await container.inspect();
    expect(info.State.Running).toBe(true);
    expect(info.Config.Labels[LAB_LABEL]).toBe(RUN_ID);
    await eventually(async () => {
      const logs = await container.logs({ stdout: true, stderr: true });
      return logs.toString().includes('hello from the lab');
    }, 'the marker in the container log');
  });

  it('serves an OCI index of a foreign platform, the pushed image and an attestation', async () => {
    const repo = uniqueName('multi');
    const { imageId } = await buildAndPush(`${registry.host}/${repo}:native`);
    const { Os: os, Arch: architecture } = await docker.version();
    const native = await manifestDescriptor(registry, repo, 'native', { os, architecture });
    expect(native.mediaType).toBe(MEDIA_TYPES.dockerManifest);
    const foreign = await pushForeignManifest(registry, repo, { os: 'linux', architecture: 's390x' });
    const attestation = await attestationDescriptor(registry, repo, native);
    const indexDigest = await putIndex(registry, repo, 'multi', [native, foreign, attestation]);

    const response = await fetch(`${registry.url}/v2/${repo}/manifests/multi`, {
      headers: { Accept: MANIFEST_ACCEPT },
    });
    const index = (await response.json()) as { mediaType: string; manifests: { digest: string }[] };
    expect(response.headers.get('docker-content-digest')).toBe(indexDigest);
    expect(index.mediaType).toBe(MEDIA_TYPES.ociIndex);
    expect(index.manifests.map((m) => m.digest)).toEqual([native.digest, foreign.digest, attestation.digest]);

    // The engine resolves the index to its own platform: the image built here.
    await removeLocal(`${registry.host}/${repo}:native`);
    expect(await pullImage(`${registry.host}/${repo}:multi`)).toBe(imageId);
  });

  it('fault proxy passes through, answers 500, and serves the engine', async () => {
    const repo = uniqueName('fault');
    await buildAndPush(`${registry.host}/${repo}:1`);
    const proxy = await startFaultProxy(registry);
    try {
      const manifestUrl = `http://${proxy.host}/v2/${repo}/manifests/1`;
      const passed = await fetch(manifestUrl, { headers: { Accept: MANIFEST_ACCEPT } });
      await passed.arrayBuffer();
      expect(passed.status).toBe(200);

      proxy.setMode('error500');
      registry.resetRequests();
      const failed = await fetch(manifestUrl, { headers: { Accept: MANIFEST_ACCEPT } });
      expect(failed.status).toBe(500);
      expect(await failed.json()).toMatchObject({ errors: [{ code: 'UNKNOWN' }] });

      // Each request also records when it arrived (`at`), for the budget tests.
      expect(proxy.requests().map(({ method, path, status }) => ({ method, path, status }))).toEqual([
        { method: 'GET', path: `/v2/${repo}/manifests/1`, status: 200 },
        { method: 'GET', path: `/v2/${repo}/manifests/1`, status: 500 },
      ]);
      await registry.flush();
      expect(registry.manifestRequests(repo)).toEqual([]); // the fault never reached the registry

      // The engine pulls through the proxy too: the way to show Tidewatch a failing registry.
      await expect(pullImage(`${proxy.host}/${repo}:1`)).rejects.toThrow(/500/);
      proxy.setMode('pass');
      await pullImage(`${proxy.host}/${repo}:1`);
    } finally {
      await proxy.stop();
    }
  });

  it('htpasswd registry rejects anonymous pulls and serves its user', async () => {
    const secured = await startRegistry({ htpasswd: { username: 'lab', password: 's3cret pass' } });
    try {
      expect(secured.auth).toEqual({ username: 'lab', password: 's3cret pass', serveraddress: secured.host });
      const repo = uniqueName('private');
      const ref = `${secured.host}/${repo}:1`;
      const { imageId } = await buildAndPush(ref, {}, secured.auth);
      await removeLocal(ref);

      const anonymous = await fetch(`${secured.url}/v2/${repo}/manifests/1`, {
        headers: { Accept: MANIFEST_ACCEPT },
      });
      await anonymous.arrayBuffer();
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers.get('www-authenticate')).toContain('Basic');
      await expect(pullImage(ref)).rejects.toThrow(/^pulling .* failed: .*no basic auth credentials/);

      expect(await pullImage(ref, secured.auth)).toBe(imageId);
      await secured.flush();
      expect(secured.manifestRequests(repo).map((r) => r.status)).toEqual(expect.arrayContaining([401, 200]));
    } finally {
      await secured.stop();
    }
  });

  it('registry notifications POST push events to the configured URL', async () => {
    const events: { action?: string; target?: { repository?: string } }[] = [];
    const headers: IncomingMessage['headers'][] = [];
    const sink = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        headers.push(req.headers);
        const envelope = JSON.parse(body) as { events?: typeof events };
        events.push(...(envelope.events ?? []));
        res.end();
      });
    });
    await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
    const { port } = sink.address() as AddressInfo;
    const notified = await startRegistry({
      notifications: { url: `http://127.0.0.1:${port}/hook`, headers: { 'X-Lab-Token': ['t0ken'] } },
    });
    try {
      const repo = uniqueName('hook');
      await buildAndPush(`${notified.host}/${repo}:1`);
      await eventually(
        () => Promise.resolve(events.some((e) => e.action === 'push' && e.target?.repository === repo)),
        'a push event',
      );
      expect(headers[0]?.['x-lab-token']).toBe('t0ken');
    } finally {
      await notified.stop();
      sink.close();
    }
  });

  it('sweepDeadRuns removes what a killed run left, and keeps what a live run holds', async () => {
    const image = `${uniqueName('sweep')}:1`;
    await buildImage(image);
    const deadPid = spawnSync('true').pid; // exited: its run can no longer clean up after itself
    const runOf = (pid: number): string => `${pid.toString(36)}-swept0`;
    const make = (name: string, runId: string) =>
      docker.createContainer({ name, Image: image, Labels: { [LAB_LABEL]: runId } });
    const dead = await make(uniqueName('dead-run'), runOf(deadPid));
    const live = await make(uniqueName('live-run'), runOf(process.ppid));
    try {
      await sweepDeadRuns();
      expect(await dead.inspect().catch((error: { statusCode?: number }) => error.statusCode)).toBe(404);
      expect((await live.inspect()).Id).toBe(live.id);
    } finally {
      await live.remove({ force: true });
      await dead.remove({ force: true }).catch(() => undefined);
    }
  });

  it('cleanupLab leaves nothing labelled and removes prefixed resources', async () => {
    const prefix = uniqueName('unlabelled');
    await docker.createNetwork({ Name: uniqueName('net'), Labels: labLabels() });
    await docker.createVolume({ Name: uniqueName('vol'), Labels: labLabels() });
    const image = `${uniqueName('box')}:1`;
    await buildImage(image);
    await runContainer(uniqueName('box'), image);
    // Made without the label, as code under test might: only the prefix finds it.
    await docker.createContainer({ name: `${prefix}-bare`, Image: image, Cmd: ['sleep', '60'] });

    await cleanupLab(prefix);

    const byRun = { filters: runFilter };
    expect(await docker.listContainers({ all: true, ...byRun })).toEqual([]);
    expect(await docker.listImages({ all: true, ...byRun })).toEqual([]);
    expect(await docker.listNetworks(byRun)).toEqual([]);
    expect((await docker.listVolumes(byRun)).Volumes ?? []).toEqual([]);
    const all = await docker.listContainers({ all: true });
    expect(all.filter((c) => c.Names.some((n) => n.startsWith(`/${prefix}`)))).toEqual([]);
  });
});
