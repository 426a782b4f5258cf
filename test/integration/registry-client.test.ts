import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseImageRef } from '../../src/domain/image-ref.js';
import type { LocalImage, Platform } from '../../src/domain/image.js';
import { silentLogger } from '../../src/log/index.js';
import { createCredentialStore, RegistryClient, type RequestInfo } from '../../src/registry/index.js';

// Against the real distribution registry (Debian's docker-registry, v2.8). Test content is pushed
// through the registry HTTP API itself, so no Docker engine is needed.

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';
const USER = 'tide';
const PASS = 'w@tch-pass';

interface Registry {
  readonly host: string;
  readonly process: ChildProcess;
  readonly output: string[];
  readonly authHeader: Record<string, string>;
}

interface Pushed {
  readonly digest: string;
  readonly size: number;
  readonly config: string;
}

const sha = (bytes: string | Buffer): string => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
let workDir: string;
const registries: Registry[] = [];

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** bcrypt for htpasswd: apache2-utils when installed, else Python's crypt (libxcrypt does bcrypt). */
function bcrypt(password: string): string {
  try {
    return execFileSync('htpasswd', ['-nbB', USER, password], { encoding: 'utf8' })
      .trim()
      .split(':')
      .slice(1)
      .join(':');
  } catch {
    const script = 'import crypt,sys; print(crypt.crypt(sys.argv[1], crypt.mksalt(crypt.METHOD_BLOWFISH)))';
    return execFileSync('python3', ['-W', 'ignore', '-c', script, password], { encoding: 'utf8' }).trim();
  }
}

async function startRegistry(name: string, withAuth: boolean): Promise<Registry> {
  const dir = await mkdtemp(join(workDir, `${name}-`));
  let auth = '';
  if (withAuth) {
    await writeFile(join(dir, 'htpasswd'), `${USER}:${bcrypt(PASS)}\n`);
    auth = `auth:\n  htpasswd:\n    realm: tidewatch-test\n    path: ${join(dir, 'htpasswd')}\n`;
  }
  const port = await freePort();
  const config = `version: 0.1
log:
  level: info
  accesslog:
    disabled: false
storage:
  filesystem:
    rootdirectory: ${join(dir, 'data')}
http:
  addr: 127.0.0.1:${port}
  secret: tidewatch-test-secret
${auth}`;
  await writeFile(join(dir, 'config.yml'), config);
  const child = spawn('docker-registry', ['serve', join(dir, 'config.yml')], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  child.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')));
  const registry: Registry = {
    host: `127.0.0.1:${port}`,
    process: child,
    output,
    authHeader: withAuth
      ? { authorization: `Basic ${Buffer.from(`${USER}:${PASS}`).toString('base64')}` }
      : {},
  };
  registries.push(registry);
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`registry exited: ${output.join('')}`);
    const answered = await fetch(`http://${registry.host}/v2/`).then(
      () => true,
      () => false,
    );
    if (answered) return registry;
    await sleep(100);
  }
  throw new Error(`registry did not start: ${output.join('')}`);
}

async function pushBlob(
  registry: Registry,
  repo: string,
  content: string,
): Promise<{ digest: string; size: number }> {
  const base = `http://${registry.host}`;
  const start = await fetch(`${base}/v2/${repo}/blobs/uploads/`, {
    method: 'POST',
    headers: registry.authHeader,
  });
  expect(start.status).toBe(202);
  const url = new URL(start.headers.get('location') ?? '', base);
  const digest = sha(content);
  url.searchParams.set('digest', digest);
  const put = await fetch(url, {
    method: 'PUT',
    headers: { ...registry.authHeader, 'content-type': 'application/octet-stream' },
    body: content,
  });
  expect(put.status).toBe(201);
  return { digest, size: Buffer.byteLength(content) };
}

async function putManifest(registry: Registry, repo: string, reference: string, type: string, body: string) {
  const response = await fetch(`http://${registry.host}/v2/${repo}/manifests/${reference}`, {
    method: 'PUT',
    headers: { ...registry.authHeader, 'content-type': type },
    body,
  });
  expect(response.status, await response.clone().text()).toBe(201);
  expect(response.headers.get('docker-content-digest')).toBe(sha(body));
  return { digest: sha(body), size: Buffer.byteLength(body) };
}

/** An image: a config blob (made unique by `salt`) and a manifest; tagged when `tag` is given. */
async function pushImage(
  registry: Registry,
  repo: string,
  tag: string | undefined,
  platform: Platform,
  salt: string,
): Promise<Pushed> {
  const config = JSON.stringify({
    ...platform,
    config: { Env: [`SALT=${salt}`] },
    rootfs: { type: 'layers', diff_ids: [] },
  });
  const blob = await pushBlob(registry, repo, config);
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: { mediaType: OCI_CONFIG, digest: blob.digest, size: blob.size },
    layers: [],
  });
  const pushed = await putManifest(registry, repo, tag ?? sha(manifest), OCI_MANIFEST, manifest);
  return { ...pushed, config: blob.digest };
}

interface Entry {
  readonly image: Pushed;
  readonly platform: Platform;
  readonly annotations?: Record<string, string>;
}

async function pushIndex(registry: Registry, repo: string, tag: string, entries: Entry[]): Promise<string> {
  const index = JSON.stringify({
    schemaVersion: 2,
    mediaType: OCI_INDEX,
    manifests: entries.map((e) => ({
      mediaType: OCI_MANIFEST,
      digest: e.image.digest,
      size: e.image.size,
      platform: e.platform,
      ...(e.annotations ? { annotations: e.annotations } : {}),
    })),
  });
  return (await putManifest(registry, repo, tag, OCI_INDEX, index)).digest;
}

const AMD64: Platform = { os: 'linux', architecture: 'amd64' };
const ARM64: Platform = { os: 'linux', architecture: 'arm64', variant: 'v8' };
const UNKNOWN: Platform = { os: 'unknown', architecture: 'unknown' };
const attestationOf = (image: Pushed): Record<string, string> => ({
  'vnd.docker.reference.type': 'attestation-manifest',
  'vnd.docker.reference.digest': image.digest,
});
const signal = (): AbortSignal => AbortSignal.timeout(30_000);

let open: Registry;
let locked: Registry;
let emptyConfigDir: string;

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'tw-registry-it-'));
  emptyConfigDir = await mkdtemp(join(workDir, 'docker-config-'));
  [open, locked] = await Promise.all([startRegistry('open', false), startRegistry('locked', true)]);
});

afterAll(async () => {
  await Promise.all(
    registries.map(async (registry) => {
      if (registry.process.exitCode !== null) return;
      const exited = new Promise((resolve) => registry.process.once('exit', resolve));
      registry.process.kill('SIGTERM');
      await Promise.race([exited, sleep(5000)]);
      if (registry.process.exitCode === null) registry.process.kill('SIGKILL');
    }),
  );
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

function newClient(options: { repoUser?: string; repoPass?: string } = {}) {
  const requests: RequestInfo[] = [];
  const client = new RegistryClient({
    credentials: createCredentialStore({
      dockerConfigDir: emptyConfigDir,
      logger: silentLogger(),
      ...options,
    }),
    logger: silentLogger(),
    onRequest: (info) => requests.push(info),
  });
  return { client, requests, manifests: () => requests.filter((r) => r.kind === 'manifest').length };
}

describe('single-platform tags', () => {
  it('an unchanged tag is current via RepoDigests of the same repository (not index 0)', async () => {
    const image = await pushImage(open, 'it/app', 'v1', AMD64, 'a');
    const local: LocalImage = {
      id: sha('unrelated id'),
      repoDigests: [`${open.host}/it/elsewhere@${sha('x')}`, `${open.host}/it/app@${image.digest}`],
      platform: AMD64,
    };
    const { client, manifests } = newClient();
    const ref = parseImageRef(`${open.host}/it/app:v1`);
    expect(await client.session().resolve(ref, local, signal())).toEqual({
      kind: 'current',
      remoteDigest: image.digest,
    });
    expect(manifests()).toBe(1);
  });

  it('a moved tag is an update to the new manifest digest; the same config is not', async () => {
    const before = await pushImage(open, 'it/moving', 'v1', AMD64, 'one');
    const local: LocalImage = {
      id: before.config,
      repoDigests: [`${open.host}/it/moving@${before.digest}`],
      platform: AMD64,
    };
    const after = await pushImage(open, 'it/moving', 'v1', AMD64, 'two');
    const { client } = newClient();
    const ref = parseImageRef(`${open.host}/it/moving:v1`);
    expect(await client.session().resolve(ref, local, signal())).toEqual({
      kind: 'update-available',
      remoteDigest: after.digest,
    });
    // An image loaded locally (no RepoDigests) whose config is what the tag serves is current.
    const loaded: LocalImage = { id: after.config, repoDigests: [], platform: AMD64 };
    expect(await client.session().resolve(ref, loaded, signal())).toEqual({
      kind: 'current',
      remoteDigest: after.digest,
    });
  });

  it('a missing tag is registry-not-found', async () => {
    const { client } = newClient();
    const ref = parseImageRef(`${open.host}/it/app:nope`);
    const local: LocalImage = { id: sha('x'), repoDigests: [], platform: AMD64 };
    expect(await client.session().resolve(ref, local, signal())).toMatchObject({
      kind: 'error',
      code: 'registry-not-found',
      message: expect.stringContaining(`${open.host}/it/app:nope`) as unknown,
    });
  });
});

describe('multi-platform OCI index', () => {
  it('decides by our platform entry only and skips attestations', async () => {
    const repo = 'it/multi';
    const amd1 = await pushImage(open, repo, undefined, AMD64, 'amd-1');
    const arm1 = await pushImage(open, repo, undefined, ARM64, 'arm-1');
    const arm2 = await pushImage(open, repo, undefined, ARM64, 'arm-2');
    const amd2 = await pushImage(open, repo, undefined, AMD64, 'amd-2');
    const attestation = await pushImage(open, repo, undefined, UNKNOWN, 'attestation');
    // An attestation marked only by its annotation, listed first under our own platform: if it were
    // not skipped, its config (not ours) would look like an update.
    const decoy: Entry = { image: attestation, platform: AMD64, annotations: attestationOf(amd1) };
    const index1 = await pushIndex(open, repo, 'latest', [
      decoy,
      { image: amd1, platform: AMD64 },
      { image: arm1, platform: ARM64 },
      { image: attestation, platform: UNKNOWN, annotations: attestationOf(amd1) },
    ]);
    const ref = parseImageRef(`${open.host}/${repo}:latest`);
    const amdLocal: LocalImage = {
      id: amd1.config,
      repoDigests: [`${open.host}/${repo}@${index1}`],
      platform: AMD64,
    };
    const armLocal: LocalImage = {
      id: arm1.config,
      repoDigests: [`${open.host}/${repo}@${index1}`],
      platform: { os: 'linux', architecture: 'arm64' },
    };
    expect(await newClient().client.session().resolve(ref, amdLocal, signal())).toEqual({
      kind: 'current',
      remoteDigest: index1,
    });

    // Only arm64 was rebuilt.
    const index2 = await pushIndex(open, repo, 'latest', [
      decoy,
      { image: amd1, platform: AMD64 },
      { image: arm2, platform: ARM64 },
    ]);
    const session = newClient().client.session();
    expect(await session.resolve(ref, amdLocal, signal())).toEqual({ kind: 'current', remoteDigest: index2 });
    expect(await session.resolve(ref, armLocal, signal())).toEqual({
      kind: 'update-available',
      remoteDigest: index2,
    });

    // Now our platform changed too.
    const index3 = await pushIndex(open, repo, 'latest', [
      decoy,
      { image: amd2, platform: AMD64 },
      { image: arm2, platform: ARM64 },
    ]);
    expect(await newClient().client.session().resolve(ref, amdLocal, signal())).toEqual({
      kind: 'update-available',
      remoteDigest: index3,
    });
  });

  it('an index without our platform (attestations aside) is registry-bad-response naming the platform', async () => {
    const repo = 'it/armonly';
    const arm = await pushImage(open, repo, undefined, ARM64, 'arm');
    const attestation = await pushImage(open, repo, undefined, UNKNOWN, 'att');
    await pushIndex(open, repo, 'v1', [
      { image: arm, platform: ARM64 },
      { image: attestation, platform: UNKNOWN, annotations: attestationOf(arm) },
    ]);
    const local: LocalImage = { id: sha('x'), repoDigests: [], platform: AMD64 };
    const result = await newClient()
      .client.session()
      .resolve(parseImageRef(`${open.host}/${repo}:v1`), local, signal());
    expect(result).toMatchObject({ kind: 'error', code: 'registry-bad-response' });
    expect(result.kind === 'error' && result.message).toContain('no entry for platform linux/amd64');
  });
});

describe('htpasswd (Basic) auth', () => {
  let image: Pushed;
  let local: LocalImage;
  beforeAll(async () => {
    image = await pushImage(locked, 'it/private', 'v1', AMD64, 'secret-image');
    local = { id: image.config, repoDigests: [`${locked.host}/it/private@${image.digest}`], platform: AMD64 };
  });
  const ref = () => parseImageRef(`${locked.host}/it/private:v1`);

  it('works with the right credentials', async () => {
    const { client } = newClient({ repoUser: USER, repoPass: PASS });
    expect(await client.session().resolve(ref(), local, signal())).toEqual({
      kind: 'current',
      remoteDigest: image.digest,
    });
  });

  it('wrong credentials → registry-unauthorized naming registry and repository, without the password', async () => {
    const { client } = newClient({ repoUser: USER, repoPass: 'not-the-password' });
    const result = await client.session().resolve(ref(), local, signal());
    expect(result).toMatchObject({ kind: 'error', code: 'registry-unauthorized' });
    expect(result.kind === 'error' && result.message).toContain(`${locked.host}/it/private`);
    expect(result.kind === 'error' && result.message).not.toContain('not-the-password');
  });

  it('no credentials → registry-unauthorized', async () => {
    const result = await newClient().client.session().resolve(ref(), local, signal());
    expect(result).toMatchObject({ kind: 'error', code: 'registry-unauthorized' });
  });
});

describe('one session, many containers', () => {
  it('30 resolves of 3 references cost exactly 3 manifest requests (client and registry agree)', async () => {
    const names = ['it/count-a', 'it/count-b', 'it/count-c'];
    const images = await Promise.all(names.map((name) => pushImage(open, name, 'v1', AMD64, name)));
    const locals = images.map((image, i): LocalImage => ({
      id: image.config,
      repoDigests: [`${open.host}/${names[i] ?? ''}@${image.digest}`],
      platform: AMD64,
    }));
    const logLines = (): number =>
      open.output
        .join('')
        .split('\n')
        .filter((line) =>
          /"(HEAD|GET) \/v2\/it\/count-[abc]\/manifests\/[^ ]+ HTTP\/1\.1" \d+ \d+ "[^"]*" "tidewatch"/.test(
            line,
          ),
        ).length;
    expect(logLines()).toBe(0);

    const { client, requests } = newClient();
    const session = client.session();
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        session.resolve(
          parseImageRef(`${open.host}/${names[i % 3] ?? ''}:v1`),
          locals[i % 3] as LocalImage,
          signal(),
        ),
      ),
    );
    expect(results.every((r) => r.kind === 'current')).toBe(true);
    expect(requests.filter((r) => r.kind === 'manifest')).toHaveLength(3);
    expect(requests.filter((r) => r.kind === 'ping')).toHaveLength(1);

    for (let i = 0; i < 50 && logLines() < 3; i++) await sleep(100);
    await sleep(300); // anything extra would have been logged by now
    expect(logLines()).toBe(3);
  });
});
