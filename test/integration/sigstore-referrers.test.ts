import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemSleep } from '../../src/domain/clock.js';
import { parseImageRef } from '../../src/domain/image-ref.js';
import { silentLogger } from '../../src/log/index.js';
import { SessionAuth } from '../../src/registry/auth.js';
import { RegistryBudget } from '../../src/registry/budget.js';
import { Endpoints } from '../../src/registry/endpoints.js';
import { HttpTransport } from '../../src/registry/http.js';
import type { RepositoryDeps } from '../../src/registry/repository-request.js';
import {
  listSigstoreReferrers,
  readSigstoreBundle,
  referrersTag,
} from '../../src/registry/sigstore-referrers.js';
import { TokenCache } from '../../src/registry/token-cache.js';
import {
  parseSigstoreIdentity,
  readTrustedRoot,
  verifySigstoreBundle,
} from '../../src/signature/sigstore.js';
import { startRegistry, uniqueName, type LabRegistry } from '../lab/index.js';
import { sha256Digest, uploadBlob } from '../lab/registry-http.js';
import { attachSigstoreBundles } from '../support/sigstore.js';

const fixture = (name: string): string => new URL(`../fixtures/sigstore/${name}`, import.meta.url).pathname;
const BUNDLE_TYPE = 'application/vnd.dev.sigstore.bundle.v0.3+json';

/** The real bundle (test/fixtures/sigstore/SOURCE.md) and the digest its in-toto subject names. */
const bundle = readFileSync(fixture('intoto-dsse.sigstore'));
const imageDigest = sha256Digest(readFileSync(fixture('a.txt')));

/** The registry package's own request path (transport, budget, auth), as a session builds it. */
function repositoryDeps(registry: LabRegistry): RepositoryDeps {
  const now = (): number => Date.now();
  const budget = new RegistryBudget({
    limits: [],
    maxWaitMs: 10_000,
    now,
    sleep: systemSleep,
    logger: silentLogger(),
  });
  const transport = new HttpTransport({
    fetch: globalThis.fetch,
    concurrency: 4,
    maxRetryAfterSeconds: 10,
    timeoutMs: 10_000,
    now,
    logger: silentLogger(),
    onRequest: undefined,
    budget,
  });
  const endpoints = new Endpoints([registry.host]);
  const credentials = { get: () => Promise.resolve(undefined) };
  const auth = new SessionAuth({ transport, endpoints, tokens: new TokenCache(now), credentials, now });
  return { transport, endpoints, auth };
}

describe('Sigstore bundle referrers in the lab registry (distribution 2.8: no referrers API)', () => {
  let registry: LabRegistry;
  beforeAll(async () => {
    registry = await startRegistry();
  });
  afterAll(async () => {
    await registry.stop();
  });

  it('finds the bundle through the sha256-<hex> tag after the API answers 404, and it verifies', async () => {
    const repository = uniqueName('bundles');
    const [manifestDigest] = await attachSigstoreBundles(registry, repository, imageDigest, [bundle]);
    registry.resetRequests();
    const deps = repositoryDeps(registry);
    const ref = parseImageRef(`${registry.host}/${repository}:latest`);
    const signal = AbortSignal.timeout(30_000);

    const listed = await listSigstoreReferrers(deps, ref, imageDigest, signal);
    expect(listed).toEqual({
      source: 'tag',
      referrers: [{ digest: manifestDigest, artifactType: BUNDLE_TYPE }],
    });
    const [referrer] = listed.referrers;
    if (referrer === undefined) throw new Error('no referrer listed');
    const read = await readSigstoreBundle(deps, ref, imageDigest, referrer, signal);
    expect(Buffer.from(read ?? new Uint8Array()).equals(bundle)).toBe(true);

    await registry.flush();
    const seen = registry.requests().map(({ method, path, status }) => `${method} ${path} ${status}`);
    expect(seen).toContain(`GET /v2/${repository}/referrers/${imageDigest} 404`);
    expect(seen).toContain(`GET /v2/${repository}/manifests/${referrersTag(imageDigest)} 200`);

    const identity = parseSigstoreIdentity(
      'issuer=https://token.actions.githubusercontent.com,subject=^https://github.com/sigstore-conformance/',
    );
    const trust = await readTrustedRoot(fixture('trusted_root.production.json'));
    expect(verifySigstoreBundle(read, imageDigest, trust, [identity])).toMatchObject({ ok: true });
  });

  it('says none for an image with no referrers at all', async () => {
    const repository = uniqueName('bundles');
    await uploadBlob(registry, repository, Buffer.from('{}'));
    const deps = repositoryDeps(registry);
    const ref = parseImageRef(`${registry.host}/${repository}:latest`);
    const listed = await listSigstoreReferrers(
      deps,
      ref,
      sha256Digest(Buffer.from('unsigned')),
      AbortSignal.timeout(30_000),
    );
    expect(listed).toEqual({ source: 'none', referrers: [] });
  });
});
