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
import { putManifest, sha256Digest, uploadBlob } from '../lab/registry-http.js';

const fixture = (name: string): string => new URL(`../fixtures/sigstore/${name}`, import.meta.url).pathname;
const BUNDLE_TYPE = 'application/vnd.dev.sigstore.bundle.v0.3+json';
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';

/** The real bundle (test/fixtures/sigstore/SOURCE.md) and the digest its in-toto subject names. */
const bundle = readFileSync(fixture('intoto-dsse.sigstore'));
const imageDigest = sha256Digest(readFileSync(fixture('a.txt')));

/**
 * Attaches `bundle` to `subject` the way `cosign attest --new-bundle-format` / `oras attach` do on
 * a registry without the referrers API: the bundle as the one layer of an OCI manifest whose
 * `subject` is the image, listed in an index under the tag `sha256-<hex>`. The registry needs
 * neither the subject nor `artifactType`; distribution 2.8 stores the manifest bytes as sent.
 */
async function attachBundle(registry: LabRegistry, repository: string, subject: string): Promise<string> {
  const empty = Buffer.from('{}');
  await uploadBlob(registry, repository, empty);
  await uploadBlob(registry, repository, bundle);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      artifactType: BUNDLE_TYPE,
      config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: sha256Digest(empty), size: 2 },
      layers: [{ mediaType: BUNDLE_TYPE, digest: sha256Digest(bundle), size: bundle.length }],
      subject: { mediaType: OCI_MANIFEST, digest: subject, size: 100 },
    }),
  );
  const manifestDigest = sha256Digest(manifest);
  await putManifest(registry, repository, manifestDigest, OCI_MANIFEST, manifest);
  const index = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_INDEX,
      manifests: [
        { mediaType: OCI_MANIFEST, digest: manifestDigest, size: manifest.length, artifactType: BUNDLE_TYPE },
      ],
    }),
  );
  await putManifest(registry, repository, referrersTag(subject), OCI_INDEX, index);
  return manifestDigest;
}

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
    const manifestDigest = await attachBundle(registry, repository, imageDigest);
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
