import { describe, expect, it } from 'vitest';
import { parseImageRef } from '../../src/domain/image-ref.js';
import type { LocalImage } from '../../src/domain/image.js';
import { decide, type ManifestSource } from '../../src/registry/decide.js';
import type { ParsedManifest } from '../../src/registry/manifest-schemas.js';

const d = (name: string): string => `sha256:${name.padEnd(64, '0')}`;
const ref = parseImageRef('ghcr.io/team/app:1');

const manifest = (config: string): ParsedManifest => ({
  kind: 'manifest',
  manifest: { schemaVersion: 2, config: { digest: d(config) } },
});
const index = (...entries: [string, string, string?][]): ParsedManifest => ({
  kind: 'index',
  index: {
    schemaVersion: 2,
    manifests: entries.map(([digest, architecture, type]) => ({
      digest: d(digest),
      platform: { os: architecture === 'unknown' ? 'unknown' : 'linux', architecture },
      ...(type === undefined ? {} : { annotations: { 'vnd.docker.reference.type': type } }),
    })),
  },
});

function source(
  tagDigest: string,
  manifests: Record<string, ParsedManifest>,
): ManifestSource & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    tagDigest: () => Promise.resolve(tagDigest),
    manifest: (digest) => {
      asked.push(digest);
      const found = manifests[digest];
      return found ? Promise.resolve(found) : Promise.reject(new Error(`unexpected manifest ${digest}`));
    },
  };
}

const local = (id: string, repoDigests: string[], architecture = 'amd64'): LocalImage => ({
  id: d(id),
  repoDigests,
  platform: { os: 'linux', architecture },
});
const signal = new AbortController().signal;

describe('decide', () => {
  it('the tag digest among RepoDigests of the same repository is current, without fetching a manifest', async () => {
    const src = source(d('m1'), {});
    const image = local('c1', [`docker.io/other/app@${d('zz')}`, `ghcr.io/team/app@${d('m1')}`]);
    expect(await decide(ref, image, src, signal)).toEqual({ kind: 'current', remoteDigest: d('m1') });
    expect(src.asked).toEqual([]);
  });

  it('the same digest under another repository proves nothing', async () => {
    const src = source(d('m1'), { [d('m1')]: manifest('c2') });
    const image = local('c1', [`ghcr.io/other/app@${d('m1')}`]);
    expect(await decide(ref, image, src, signal)).toEqual({
      kind: 'update-available',
      remoteDigest: d('m1'),
    });
  });

  it('a single manifest whose config is the local image id is current', async () => {
    const src = source(d('m2'), { [d('m2')]: manifest('c1') });
    expect(await decide(ref, local('c1', []), src, signal)).toEqual({
      kind: 'current',
      remoteDigest: d('m2'),
    });
  });

  it('a single manifest with another config is an update', async () => {
    const src = source(d('m2'), { [d('m2')]: manifest('c2') });
    expect(await decide(ref, local('c1', []), src, signal)).toEqual({
      kind: 'update-available',
      remoteDigest: d('m2'),
    });
  });

  it('an image id equal to the tag digest (containerd store) is current', async () => {
    const src = source(d('i1'), {});
    expect(await decide(ref, local('i1', []), src, signal)).toMatchObject({ kind: 'current' });
  });

  it('index: another platform rebuilt, ours unchanged → current with the index digest', async () => {
    const src = source(d('i2'), {
      [d('i2')]: index(['att', 'unknown', 'attestation-manifest'], ['amd', 'amd64'], ['arm2', 'arm64']),
      [d('amd')]: manifest('c1'),
    });
    expect(await decide(ref, local('c1', [`ghcr.io/team/app@${d('i1')}`]), src, signal)).toEqual({
      kind: 'current',
      remoteDigest: d('i2'),
    });
    expect(src.asked).toEqual([d('i2'), d('amd')]);
  });

  it('index: our entry among RepoDigests → current without fetching it', async () => {
    const src = source(d('i2'), { [d('i2')]: index(['amd', 'amd64'], ['arm', 'arm64']) });
    const image = local('c1', [`ghcr.io/team/app@${d('amd')}`]);
    expect(await decide(ref, image, src, signal)).toMatchObject({ kind: 'current' });
    expect(src.asked).toEqual([d('i2')]);
  });

  it('index: our entry changed → update to the index digest', async () => {
    const src = source(d('i3'), {
      [d('i3')]: index(['amd2', 'amd64'], ['arm', 'arm64']),
      [d('amd2')]: manifest('c9'),
    });
    expect(await decide(ref, local('c1', []), src, signal)).toEqual({
      kind: 'update-available',
      remoteDigest: d('i3'),
    });
  });

  it('index without our platform is a bad response naming the platform', async () => {
    const src = source(d('i4'), {
      [d('i4')]: index(['att', 'unknown', 'attestation-manifest'], ['arm', 'arm64']),
    });
    await expect(decide(ref, local('c1', []), src, signal)).rejects.toMatchObject({
      code: 'registry-bad-response',
      message: expect.stringContaining('no entry for platform linux/amd64') as unknown,
    });
  });
});
