import { describe, expect, it } from 'vitest';
import { chainIds } from '../../src/registry/manifest-schemas.js';
import type { BundleImage, BundleManifest } from '../../src/bundle/format.js';
import {
  generateBundleKeys,
  loadTrustedKeys,
  signManifest,
  signatureProblem,
} from '../../src/bundle/keys.js';
import { parsePlatformList, platformsFor } from '../../src/bundle/platforms.js';
import type { ReadBundle } from '../../src/bundle/read.js';
import { verifyBundle, type VerifyContext } from '../../src/bundle/verify.js';
import { createHash, createPrivateKey } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const d = (n: number): string => `sha256:${n.toString(16).padStart(64, '0')}`;

const image: BundleImage = {
  ref: 'registry.example:5000/app:1',
  digest: d(1),
  sourceDigest: d(1),
  platforms: [{ platform: 'default', manifest: d(1), config: d(2), layers: [d(3), d(4)] }],
};

function manifest(overrides: Partial<BundleManifest> = {}): BundleManifest {
  return {
    format: 'tidewatch-bundle/1',
    id: 'b-2',
    created: '2026-12-01T10:00:00.000Z',
    previous: null,
    images: [image],
    blobs: [1, 2, 3, 4].map((n) => ({ digest: d(n), size: 10, mediaType: 'x', carried: n !== 3 })),
    ...overrides,
  };
}

function read(bundle: BundleManifest, skip: number[] = []): ReadBundle {
  const blobs = new Map(
    bundle.blobs
      .filter((blob) => blob.carried && !skip.includes(Number.parseInt(blob.digest.slice(7), 16)))
      .map((blob) => [
        blob.digest,
        { path: `/staged/${blob.digest}`, size: blob.size, actualDigest: blob.digest },
      ]),
  );
  return {
    manifestBytes: Buffer.from(JSON.stringify(bundle)),
    manifest: bundle,
    signature: undefined,
    blobs,
  };
}

const context = (overrides: Partial<VerifyContext> = {}): VerifyContext => ({
  keys: [],
  applied: { ids: new Set(), last: undefined },
  cached: () => false,
  heldChain: (layer) => layer === d(3),
  platformsOf: (i) => i.platforms,
  ...overrides,
});

describe('verifyBundle', () => {
  it('accepts a bundle whose missing layer the engine holds, and says where each blob comes from', () => {
    const verified = verifyBundle(read(manifest()), context());
    expect(verified.sources.get(d(3))).toEqual({ kind: 'engine' });
    expect(verified.sources.get(d(4))).toEqual({ kind: 'bundle', path: `/staged/${d(4)}` });
  });

  it('names a layer neither carried, cached nor held', () => {
    expect(() => verifyBundle(read(manifest()), context({ heldChain: () => false }))).toThrow(
      `registry.example:5000/app:1: layer 1 of 2 ${d(3)} is neither in the file nor held here: build it with --have from this host`,
    );
  });

  it('takes a cached blob instead', () => {
    expect(
      verifyBundle(
        read(manifest()),
        context({ heldChain: () => false, cached: (x) => x === d(3) }),
      ).sources.get(d(3)),
    ).toEqual({ kind: 'cache' });
  });

  it('refuses a carried blob missing from the file, a wrong digest and a wrong size', () => {
    expect(() => verifyBundle(read(manifest(), [4]), context())).toThrow(
      `blob ${d(4)} is listed as carried but is not in the file: truncated?`,
    );
    const bad = read(manifest());
    bad.blobs.set(d(4), { path: 'x', size: 10, actualDigest: d(9) });
    expect(() => verifyBundle(bad, context())).toThrow(
      `blob ${d(4)} does not match its digest (its bytes hash to ${d(9)}): corrupt or tampered`,
    );
    bad.blobs.set(d(4), { path: 'x', size: 11, actualDigest: d(4) });
    expect(() => verifyBundle(bad, context())).toThrow(`blob ${d(4)} has 11 bytes, the manifest says 10`);
  });

  it('refuses a replay and a bundle not newer than the last one applied', () => {
    expect(() =>
      verifyBundle(read(manifest()), context({ applied: { ids: new Set(['b-2']), last: undefined } })),
    ).toThrow('bundle b-2 was applied here before: a replay');
    const last = { id: 'b-3', created: '2026-12-02T00:00:00.000Z' };
    expect(() =>
      verifyBundle(read(manifest()), context({ applied: { ids: new Set(['b-3']), last } })),
    ).toThrow(
      'bundle b-2 was made 2026-12-01T10:00:00.000Z, not after the last one applied here (b-3, 2026-12-02T00:00:00.000Z): replayed or out of order',
    );
  });

  it('refuses an image none of whose platforms runs here', () => {
    expect(() => verifyBundle(read(manifest()), context({ platformsOf: () => [] }))).toThrow(
      'none of its platforms (default) runs here',
    );
  });
});

describe('bundle signatures', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tidewatch-keys-'));
  const ours = generateBundleKeys();
  const theirs = generateBundleKeys();
  writeFileSync(join(dir, 'ours.pub'), ours.publicPem);
  const keys = loadTrustedKeys([join(dir, 'ours.pub')]);
  const bytes = Buffer.from('{"a":1}');
  const signed = signManifest(bytes, { key: createPrivateKey(ours.privatePem), id: ours.id });

  it('verifies with the trusted key, and not after a change', () => {
    expect(signatureProblem(bytes, signed, keys)).toBeUndefined();
    expect(signatureProblem(Buffer.from('{"a":2}'), signed, keys)).toMatch(
      /does not verify with ed25519:\w{16} .*changed after signing/,
    );
  });

  it('refuses unsigned and foreign-signed bundles when a key is set, and checks nothing without keys', () => {
    expect(signatureProblem(bytes, undefined, keys)).toBe(
      'it is not signed, and --bundle-key requires a signature',
    );
    const foreign = signManifest(bytes, { key: createPrivateKey(theirs.privatePem), id: theirs.id });
    expect(signatureProblem(bytes, foreign, keys)).toBe(
      `it is signed by ${theirs.id}, which is not one of the --bundle-key keys (${ours.id})`,
    );
    expect(signatureProblem(bytes, undefined, [])).toBeUndefined();
  });

  it('says which key file is wrong', () => {
    writeFileSync(join(dir, 'bad.pub'), 'not a key');
    expect(() => loadTrustedKeys([join(dir, 'bad.pub')])).toThrow(
      `--bundle-key ${join(dir, 'bad.pub')}: not a PEM public key`,
    );
    expect(() => loadTrustedKeys([join(dir, 'missing.pub')])).toThrow(/--bundle-key .*missing\.pub: ENOENT/);
  });
});

describe('bundle platforms and chains', () => {
  it('parses --platform lists', () => {
    expect(parsePlatformList('all')).toBe('all');
    expect(parsePlatformList('linux/amd64, linux/arm64/v8')).toEqual([
      { os: 'linux', architecture: 'amd64' },
      { os: 'linux', architecture: 'arm64', variant: 'v8' },
    ]);
    expect(() => parsePlatformList('linux')).toThrow('--platform linux: not os/architecture[/variant]');
  });

  it("picks the engine's platform of a multi-platform image", () => {
    const multi: BundleImage = {
      ...image,
      platforms: [
        { platform: 'linux/s390x', manifest: d(5), config: d(6), layers: [] },
        { platform: 'linux/amd64', manifest: d(7), config: d(8), layers: [] },
      ],
    };
    expect(platformsFor(multi, { os: 'linux', architecture: 'x86_64' }).map((p) => p.manifest)).toEqual([
      d(7),
    ]);
    expect(platformsFor(multi, { os: 'linux', architecture: 'arm64' })).toEqual([]);
  });

  it('computes OCI chain ids', () => {
    // ChainID(L0) = DiffID(L0); ChainID(L0|L1) = sha256("<ChainID(L0)> <DiffID(L1)>").
    const chains = chainIds([d(1), d(2)]);
    expect(chains[0]).toBe(d(1));
    expect(chains[1]).toBe(
      `sha256:${createHash('sha256')
        .update(`${d(1)} ${d(2)}`)
        .digest('hex')}`,
    );
  });
});
