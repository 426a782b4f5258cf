import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseImageRef } from '../../src/domain/image-ref.js';
import type { LocalImage, Platform } from '../../src/domain/image.js';
import { silentLogger } from '../../src/log/index.js';
import { createCredentialStore, RegistryClient, type RequestInfo } from '../../src/registry/index.js';
import {
  attestationDescriptor,
  configDigest,
  pushForeignManifest,
  putIndex,
  startRegistry,
  tagManifest,
  type LabRegistry,
} from '../lab/index.js';

// Against the real distribution registry (v2.8) from the lab. Content is pushed through the
// registry HTTP API, so no Docker engine is needed: "our" platform is the one LocalImage names.

const USER = 'tide';
const PASS = 'w@tch-pass';
const AMD64: Platform = { os: 'linux', architecture: 'amd64' };
const ARM64: Platform = { os: 'linux', architecture: 'arm64', variant: 'v8' };
// A docker config directory that does not exist: no logins from this machine's ~/.docker.
const NO_DOCKER_CONFIG = join(tmpdir(), `tidewatch-no-docker-config-${randomUUID()}`);
const UNRELATED = `sha256:${'0'.repeat(64)}`;
const signal = (): AbortSignal => AbortSignal.timeout(30_000);
const local = (id: string, repoDigests: string[] = [], platform = AMD64): LocalImage => ({
  id,
  repoDigests,
  platform,
});

let open: LabRegistry;
let locked: LabRegistry;

beforeAll(async () => {
  [open, locked] = await Promise.all([
    startRegistry(),
    startRegistry({ htpasswd: { username: USER, password: PASS } }),
  ]);
});

afterAll(async () => {
  await Promise.all([open?.stop(), locked?.stop()]);
});

/** An image manifest for `platform`, tagged when `tag` is given, and its config digest. */
async function pushImage(registry: LabRegistry, repo: string, platform: Platform, tag?: string) {
  const manifest = await pushForeignManifest(registry, repo, platform);
  if (tag !== undefined) await tagManifest(registry, repo, manifest.digest, tag);
  return { manifest, digest: manifest.digest, config: await configDigest(registry, repo, manifest.digest) };
}

function newClient(login: { repoUser?: string; repoPass?: string } = {}) {
  const requests: RequestInfo[] = [];
  const client = new RegistryClient({
    credentials: createCredentialStore({
      dockerConfigDir: NO_DOCKER_CONFIG,
      logger: silentLogger(),
      ...login,
    }),
    logger: silentLogger(),
    onRequest: (info) => requests.push(info),
  });
  return { session: client.session(), requests };
}

/** One resolve in a fresh client and session. */
const resolveOnce = (ref: string, image: LocalImage, login?: { repoUser: string; repoPass: string }) =>
  newClient(login).session.resolve(parseImageRef(ref), image, signal());

describe('single-platform tags', () => {
  it('an unchanged tag is current via RepoDigests of the same repository (not index 0)', async () => {
    const image = await pushImage(open, 'it/app', AMD64, 'v1');
    const repoDigests = [`${open.host}/it/elsewhere@${UNRELATED}`, `${open.host}/it/app@${image.digest}`];
    const { session, requests } = newClient();
    const ref = parseImageRef(`${open.host}/it/app:v1`);
    expect(await session.resolve(ref, local(UNRELATED, repoDigests), signal())).toEqual({
      kind: 'current',
      remoteDigest: image.digest,
    });
    expect(requests.filter((r) => r.kind === 'manifest')).toHaveLength(1);
  });

  it('a moved tag is an update to the new manifest digest; the same config is not', async () => {
    const before = await pushImage(open, 'it/moving', AMD64, 'v1');
    const after = await pushImage(open, 'it/moving', AMD64, 'v1');
    const ref = `${open.host}/it/moving:v1`;
    const pulled = local(before.config, [`${open.host}/it/moving@${before.digest}`]);
    expect(await resolveOnce(ref, pulled)).toEqual({ kind: 'update-available', remoteDigest: after.digest });
    // An image loaded locally (no RepoDigests) whose config is what the tag serves is current.
    expect(await resolveOnce(ref, local(after.config))).toEqual({
      kind: 'current',
      remoteDigest: after.digest,
    });
  });

  it('a missing tag is registry-not-found', async () => {
    await pushImage(open, 'it/app', AMD64, 'v1');
    expect(await resolveOnce(`${open.host}/it/app:nope`, local(UNRELATED))).toMatchObject({
      kind: 'error',
      code: 'registry-not-found',
      message: expect.stringContaining(`${open.host}/it/app:nope`) as unknown,
    });
  });
});

describe('multi-platform OCI index', () => {
  it('decides by our platform entry only and skips attestations', async () => {
    const repo = 'it/multi';
    const [amd1, arm1, arm2, amd2] = await Promise.all([
      pushImage(open, repo, AMD64),
      pushImage(open, repo, ARM64),
      pushImage(open, repo, ARM64),
      pushImage(open, repo, AMD64),
    ]);
    const attestation = await attestationDescriptor(open, repo, amd1.manifest);
    // An attestation marked only by its annotation, listed first under our own platform: if it were
    // not skipped, its config (not ours) would look like an update.
    const decoy = { ...attestation, platform: AMD64 };
    const publish = (...entries: (typeof amd1)[]) =>
      putIndex(open, repo, 'latest', [decoy, ...entries.map((e) => e.manifest)]);
    const ref = `${open.host}/${repo}:latest`;

    const index1 = await putIndex(open, repo, 'latest', [decoy, amd1.manifest, arm1.manifest, attestation]);
    const pulledAs = [`${open.host}/${repo}@${index1}`];
    const amdLocal = local(amd1.config, pulledAs);
    const armLocal = local(arm1.config, pulledAs, { os: 'linux', architecture: 'arm64' }); // no variant
    expect(await resolveOnce(ref, amdLocal)).toEqual({ kind: 'current', remoteDigest: index1 });

    // Only arm64 was rebuilt.
    const index2 = await publish(amd1, arm2);
    const { session } = newClient();
    expect(await session.resolve(parseImageRef(ref), amdLocal, signal())).toEqual({
      kind: 'current',
      remoteDigest: index2,
    });
    expect(await session.resolve(parseImageRef(ref), armLocal, signal())).toEqual({
      kind: 'update-available',
      remoteDigest: index2,
    });

    // Now our platform changed too.
    const index3 = await publish(amd2, arm2);
    expect(await resolveOnce(ref, amdLocal)).toEqual({ kind: 'update-available', remoteDigest: index3 });
  });

  it('an index without our platform (attestations aside) is registry-bad-response naming the platform', async () => {
    const repo = 'it/armonly';
    const arm = await pushForeignManifest(open, repo, ARM64);
    await putIndex(open, repo, 'v1', [arm, await attestationDescriptor(open, repo, arm)]);
    const result = await resolveOnce(`${open.host}/${repo}:v1`, local(UNRELATED));
    expect(result).toMatchObject({ kind: 'error', code: 'registry-bad-response' });
    expect(result.kind === 'error' && result.message).toContain('no entry for platform linux/amd64');
  });
});

describe('htpasswd (Basic) auth', () => {
  let image: Awaited<ReturnType<typeof pushImage>>;
  let pulled: LocalImage;
  beforeAll(async () => {
    image = await pushImage(locked, 'it/private', AMD64, 'v1');
    pulled = local(image.config, [`${locked.host}/it/private@${image.digest}`]);
  });
  const ref = (): string => `${locked.host}/it/private:v1`;

  it('works with the right credentials', async () => {
    expect(await resolveOnce(ref(), pulled, { repoUser: USER, repoPass: PASS })).toEqual({
      kind: 'current',
      remoteDigest: image.digest,
    });
  });

  it('wrong credentials → registry-unauthorized naming registry and repository, without the password', async () => {
    const result = await resolveOnce(ref(), pulled, { repoUser: USER, repoPass: 'not-the-password' });
    expect(result).toMatchObject({ kind: 'error', code: 'registry-unauthorized' });
    expect(result.kind === 'error' && result.message).toContain(`${locked.host}/it/private`);
    expect(result.kind === 'error' && result.message).not.toContain('not-the-password');
  });

  it('no credentials → registry-unauthorized', async () => {
    expect(await resolveOnce(ref(), pulled)).toMatchObject({ kind: 'error', code: 'registry-unauthorized' });
  });
});

describe('one session, many containers', () => {
  it('30 resolves of 3 references cost exactly 3 manifest requests (client and registry agree)', async () => {
    const repos = ['it/count-a', 'it/count-b', 'it/count-c'];
    const locals = await Promise.all(
      repos.map(async (repo) => {
        const image = await pushImage(open, repo, AMD64, 'v1');
        return local(image.config, [`${open.host}/${repo}@${image.digest}`]);
      }),
    );
    open.resetRequests(); // the pushes above are not the client's

    const { session, requests } = newClient();
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        session.resolve(
          parseImageRef(`${open.host}/${repos[i % 3] ?? ''}:v1`),
          locals[i % 3] as LocalImage,
          signal(),
        ),
      ),
    );
    expect(results.every((r) => r.kind === 'current')).toBe(true);
    expect(requests.filter((r) => r.kind === 'manifest')).toHaveLength(3);
    expect(requests.filter((r) => r.kind === 'ping')).toHaveLength(1);

    await open.flush(); // every request answered so far is in the registry's log
    expect(open.manifestRequests()).toHaveLength(3);
    for (const repo of repos) {
      expect(open.manifestRequests(repo).map((r) => r.method)).toEqual([
        expect.stringMatching(/^(HEAD|GET)$/),
      ]);
    }
  });
});
