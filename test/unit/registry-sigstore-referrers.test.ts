import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseImageRef } from '../../src/domain/image-ref.js';
import type { SessionAuth } from '../../src/registry/auth.js';
import { Endpoints } from '../../src/registry/endpoints.js';
import type { HttpRequest, HttpResponse, HttpTransport } from '../../src/registry/http.js';
import type { RepositoryDeps } from '../../src/registry/repository-request.js';
import {
  listSigstoreReferrers,
  readSigstoreBundle,
  referrersTag,
  type SigstoreReferrer,
} from '../../src/registry/sigstore-referrers.js';
import {
  parseSigstoreIdentity,
  readTrustedRoot,
  verifySigstoreBundle,
} from '../../src/signature/sigstore.js';

const fixture = (name: string): string => new URL(`../fixtures/sigstore/${name}`, import.meta.url).pathname;
const sha256 = (bytes: Uint8Array | string): string =>
  `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

const BUNDLE_TYPE = 'application/vnd.dev.sigstore.bundle.v0.3+json';
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const EMPTY_CONFIG = { mediaType: 'application/vnd.oci.empty.v1+json', digest: sha256('{}'), size: 2 };

/** The real bundle (test/fixtures/sigstore/SOURCE.md); its in-toto subject is this digest. */
const bundle = readFileSync(fixture('intoto-dsse.sigstore'));
const imageDigest = sha256(readFileSync(fixture('a.txt')));
const ref = parseImageRef('127.0.0.1:5000/app:1');
const base = 'http://127.0.0.1:5000/v2/app';

/** A referrer manifest as cosign and GitHub's attest push it: empty config, one bundle layer. */
function bundleManifest(subject: string, layer: Buffer, mediaType = BUNDLE_TYPE): Buffer {
  return Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      artifactType: BUNDLE_TYPE,
      config: EMPTY_CONFIG,
      layers: [{ mediaType, digest: sha256(layer), size: layer.length }],
      subject: { mediaType: OCI_MANIFEST, digest: subject, size: 1234 },
    }),
  );
}

function referrersIndex(entries: readonly { digest: string; artifactType?: string }[]): Buffer {
  return Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_INDEX,
      manifests: entries.map((entry) => ({ mediaType: OCI_MANIFEST, size: 100, ...entry })),
    }),
  );
}

/**
 * A fake registry behind the real request path (authorisedRequest): answers by URL, 404 for any
 * other, and records every request so a test can say which were (not) made.
 */
function fakeRegistry(routes: Record<string, Buffer | number>): {
  deps: RepositoryDeps;
  seen: HttpRequest[];
} {
  const seen: HttpRequest[] = [];
  const transport = {
    send(request: HttpRequest): Promise<HttpResponse> {
      seen.push(request);
      const answer = routes[request.url] ?? 404;
      const status = typeof answer === 'number' ? answer : 200;
      const body = typeof answer === 'number' ? new Uint8Array() : new Uint8Array(answer);
      return Promise.resolve({ status, headers: new Headers(), body });
    },
  } as unknown as HttpTransport;
  const auth = {
    authorise: () =>
      Promise.resolve({
        headers: {},
        scheme: 'none',
        anonymous: true,
        reused: false,
        invalidate: () => undefined,
      }),
    learn: () => false,
  } as unknown as SessionAuth;
  return { deps: { transport, endpoints: new Endpoints(['127.0.0.1:5000']), auth }, seen };
}

const signal = new AbortController().signal;
const manifest = bundleManifest(imageDigest, bundle);
const manifestDigest = sha256(manifest);
const tagUrl = `${base}/manifests/${referrersTag(imageDigest)}`;
const apiUrl = `${base}/referrers/${imageDigest}`;

describe('Sigstore bundles attached as OCI 1.1 referrers', () => {
  it('names the fallback tag as the OCI referrers tag schema does', () => {
    expect(referrersTag(imageDigest)).toBe(
      'sha256-a0cfc71271d6e278e57cd332ff957c3f7043fdda354c4cbb190a30d56efa01bf',
    );
  });

  it('falls back to the sha256-<hex> tag on a 404 from the referrers API, keeping only bundles', async () => {
    const sbom = { digest: sha256('an SBOM'), artifactType: 'application/spdx+json' };
    const { deps, seen } = fakeRegistry({
      [tagUrl]: referrersIndex([
        sbom,
        { digest: manifestDigest, artifactType: BUNDLE_TYPE },
        { digest: sha256('x') },
      ]),
      [`${base}/manifests/${manifestDigest}`]: manifest,
      [`${base}/blobs/${sha256(bundle)}`]: bundle,
    });
    const listed = await listSigstoreReferrers(deps, ref, imageDigest, signal);
    expect(listed).toEqual({
      source: 'tag',
      referrers: [{ digest: manifestDigest, artifactType: BUNDLE_TYPE }],
    });
    expect(seen.map((request) => request.url)).toEqual([apiUrl, tagUrl]);
    expect(seen[0]?.headers?.accept).toBe(OCI_INDEX);

    const read = await readSigstoreBundle(
      deps,
      ref,
      imageDigest,
      listed.referrers[0] as SigstoreReferrer,
      signal,
    );
    expect(Buffer.from(read ?? new Uint8Array()).equals(bundle)).toBe(true);
    // What was read is what verifies: the real bundle, for this digest, by the conformance identity.
    const identity = parseSigstoreIdentity(
      'issuer=https://token.actions.githubusercontent.com,subject=^https://github.com/sigstore-conformance/',
    );
    const trust = await readTrustedRoot(fixture('trusted_root.production.json'));
    expect(verifySigstoreBundle(read, imageDigest, trust, [identity]).ok).toBe(true);
  });

  it('uses the referrers API when the registry answers it, and then reads no tag', async () => {
    const legacy = 'application/vnd.dev.sigstore.bundle+json;version=0.2';
    const { deps, seen } = fakeRegistry({
      [apiUrl]: referrersIndex([{ digest: manifestDigest, artifactType: legacy }]),
    });
    expect(await listSigstoreReferrers(deps, ref, imageDigest, signal)).toEqual({
      source: 'api',
      referrers: [{ digest: manifestDigest, artifactType: legacy }],
    });
    expect(seen.map((request) => request.url)).toEqual([apiUrl]);
  });

  it('says none when neither the API nor the tag has any', async () => {
    const { deps } = fakeRegistry({});
    expect(await listSigstoreReferrers(deps, ref, imageDigest, signal)).toEqual({
      source: 'none',
      referrers: [],
    });
  });

  it('fails with the registry reason on other statuses and on a body that is not an index', async () => {
    await expect(
      listSigstoreReferrers(fakeRegistry({ [apiUrl]: 500 }).deps, ref, imageDigest, signal),
    ).rejects.toMatchObject({
      code: 'registry-unavailable',
    });
    const garbage = fakeRegistry({ [tagUrl]: Buffer.from('{"schemaVersion":2}') });
    await expect(listSigstoreReferrers(garbage.deps, ref, imageDigest, signal)).rejects.toMatchObject({
      code: 'registry-bad-response',
    });
  });

  it('skips a referrer whose manifest names another image or holds no bundle layer', async () => {
    const elsewhere = bundleManifest(sha256('another image'), bundle);
    const noBundle = bundleManifest(imageDigest, bundle, 'application/octet-stream');
    const { deps, seen } = fakeRegistry({
      [`${base}/manifests/${sha256(elsewhere)}`]: elsewhere,
      [`${base}/manifests/${sha256(noBundle)}`]: noBundle,
    });
    for (const body of [elsewhere, noBundle]) {
      const referrer = { digest: sha256(body), artifactType: BUNDLE_TYPE };
      expect(await readSigstoreBundle(deps, ref, imageDigest, referrer, signal)).toBeUndefined();
    }
    expect(seen.some((request) => request.kind === 'blob')).toBe(false);
  });

  it('refuses a manifest or a bundle blob that does not match its digest', async () => {
    const referrer = { digest: manifestDigest, artifactType: BUNDLE_TYPE };
    const swappedManifest = fakeRegistry({
      [`${base}/manifests/${manifestDigest}`]: bundleManifest(imageDigest, Buffer.from('x')),
    });
    await expect(
      readSigstoreBundle(swappedManifest.deps, ref, imageDigest, referrer, signal),
    ).rejects.toThrow(/Sigstore bundle manifest: body does not match its digest/);
    const swappedBlob = fakeRegistry({
      [`${base}/manifests/${manifestDigest}`]: manifest,
      [`${base}/blobs/${sha256(bundle)}`]: Buffer.from('{}'),
    });
    await expect(readSigstoreBundle(swappedBlob.deps, ref, imageDigest, referrer, signal)).rejects.toThrow(
      /Sigstore bundle: body does not match its digest/,
    );
  });
});
