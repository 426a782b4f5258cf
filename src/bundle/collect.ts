import { z } from 'zod';
import { formatPlatform, normalisePlatform } from '../registry/platform.js';
import { MANIFEST_ACCEPT, chainIds, sha256Digest } from '../registry/manifest-schemas.js';
import { RegistryFailure, statusFailure } from '../registry/failure.js';
import type { RegistryTransfer } from '../registry/transfer.js';
import { familiarName, type ImageRef, type Platform } from '../domain/index.js';
import type { BundleImage, BundlePlatform } from './format.js';

/** A blob an image needs: manifests and configs are read whole (small), layers only described. */
export interface CollectedBlob {
  readonly digest: string;
  readonly size: number;
  readonly mediaType: string;
  /** Manifests and configs: their bytes, already checked against the digest. */
  readonly bytes?: Buffer;
  /** Where a layer is read from when the bundle carries it. */
  readonly from: ImageRef;
  /** Layers: the chain id of the layer with everything under it (what an engine would hold). */
  readonly chain?: string;
}

export interface Collected {
  readonly images: BundleImage[];
  /** Every blob the images need, once each, in the order a reader wants them (manifests first). */
  readonly blobs: Map<string, CollectedBlob>;
}

const Descriptor = z.object({
  digest: z.string(),
  size: z.number().int().nonnegative(),
  mediaType: z.string().optional(),
});
const IndexBody = z
  .object({
    mediaType: z.string().optional(),
    manifests: z.array(
      Descriptor.extend({
        platform: z
          .object({ os: z.string(), architecture: z.string(), variant: z.string().optional() })
          .optional(),
      }).loose(),
    ),
  })
  .loose();
const ManifestBody = z.object({
  mediaType: z.string().optional(),
  config: Descriptor,
  layers: z.array(Descriptor),
});
const ConfigBody = z.object({ rootfs: z.object({ diff_ids: z.array(z.string()) }) });

const INDEX_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
];

/**
 * Reads what bundling `refs` needs from their registries: each top manifest (an index keeps only
 * the entries of `platforms`, or all of them), each platform's manifest and config, and the list of
 * layers with their chain ids. Every manifest and config is checked against its digest.
 */
export async function collectImages(
  transfer: RegistryTransfer,
  refs: readonly ImageRef[],
  platforms: readonly Platform[] | 'all',
): Promise<Collected> {
  const blobs = new Map<string, CollectedBlob>();
  const images: BundleImage[] = [];
  for (const ref of refs) {
    const tag = ref.tag ?? 'latest';
    const top = await fetchManifest(transfer, ref, tag);
    const name = `${familiarName(ref)}:${tag}`;
    if (!INDEX_TYPES.includes(top.mediaType)) {
      const platform = await collectPlatform(transfer, ref, top, blobs, undefined);
      images.push({ ref: name, digest: top.digest, sourceDigest: top.digest, platforms: [platform] });
      continue;
    }
    const index = IndexBody.parse(JSON.parse(top.bytes.toString('utf8')));
    const kept = index.manifests.filter((entry) => platforms === 'all' || wanted(entry.platform, platforms));
    if (kept.length === 0) {
      const offered = index.manifests.map((entry) => (entry.platform ? formatPlatform(entry.platform) : '?'));
      throw new RegistryFailure(
        'registry-bad-response',
        `${name}: none of its platforms (${offered.join(', ')}) was asked for`,
      );
    }
    const bytes =
      kept.length === index.manifests.length
        ? top.bytes
        : Buffer.from(JSON.stringify({ ...index, manifests: kept }));
    const digest = sha256Digest(bytes);
    const collected: BundlePlatform[] = [];
    for (const entry of kept) {
      const child = await fetchManifest(transfer, ref, entry.digest);
      if (INDEX_TYPES.includes(child.mediaType))
        throw new RegistryFailure('registry-bad-response', `${name}: nested index ${entry.digest}`);
      collected.push(await collectPlatform(transfer, ref, child, blobs, entry.platform));
    }
    blobs.set(digest, { digest, size: bytes.length, mediaType: top.mediaType, bytes, from: ref });
    images.push({ ref: name, digest, sourceDigest: top.digest, platforms: collected });
  }
  return { images, blobs };
}

function wanted(platform: Platform | undefined, platforms: readonly Platform[]): boolean {
  if (platform === undefined) return false;
  const have = normalisePlatform(platform);
  return platforms.some((want) => {
    const norm = normalisePlatform(want);
    return (
      norm.os === have.os &&
      norm.architecture === have.architecture &&
      (want.variant === undefined || norm.variant === have.variant)
    );
  });
}

interface FetchedManifest {
  readonly digest: string;
  readonly mediaType: string;
  readonly bytes: Buffer;
}

async function fetchManifest(
  transfer: RegistryTransfer,
  ref: ImageRef,
  reference: string,
): Promise<FetchedManifest> {
  const what = `${familiarName(ref)}:${reference}`;
  const response = await transfer.send(ref, 'pull', `/manifests/${reference}`, {
    headers: { accept: MANIFEST_ACCEPT },
  });
  if (response.status !== 200) throw statusFailure(response.status, `${what} manifest`);
  const bytes = Buffer.from(await response.arrayBuffer());
  const digest = sha256Digest(bytes);
  if (reference.startsWith('sha256:') && digest !== reference)
    throw new RegistryFailure('registry-bad-response', `${what}: manifest does not match its digest`);
  const mediaType =
    response.headers.get('content-type')?.split(';')[0]?.trim() ??
    z.object({ mediaType: z.string() }).parse(JSON.parse(bytes.toString('utf8'))).mediaType;
  return { digest, mediaType, bytes };
}

async function collectPlatform(
  transfer: RegistryTransfer,
  ref: ImageRef,
  manifest: FetchedManifest,
  blobs: Map<string, CollectedBlob>,
  platform: Platform | undefined,
): Promise<BundlePlatform> {
  const body = ManifestBody.parse(JSON.parse(manifest.bytes.toString('utf8')));
  blobs.set(manifest.digest, {
    digest: manifest.digest,
    size: manifest.bytes.length,
    mediaType: manifest.mediaType,
    bytes: manifest.bytes,
    from: ref,
  });
  const response = await transfer.send(ref, 'pull', `/blobs/${body.config.digest}`, {});
  if (response.status !== 200)
    throw statusFailure(response.status, `${familiarName(ref)} config ${body.config.digest}`);
  const config = Buffer.from(await response.arrayBuffer());
  if (sha256Digest(config) !== body.config.digest)
    throw new RegistryFailure(
      'registry-bad-response',
      `${familiarName(ref)}: config does not match its digest ${body.config.digest}`,
    );
  const mediaType = body.config.mediaType ?? 'application/vnd.oci.image.config.v1+json';
  blobs.set(body.config.digest, {
    digest: body.config.digest,
    size: config.length,
    mediaType,
    bytes: config,
    from: ref,
  });
  // Attestations and other artefacts have no rootfs: their "layers" are plain blobs, no chain.
  const diffIds = ConfigBody.safeParse(JSON.parse(config.toString('utf8'))).data?.rootfs.diff_ids ?? [];
  const chains = chainIds(diffIds);
  body.layers.forEach((layer, index) => {
    const chain = diffIds.length === body.layers.length ? chains[index] : undefined;
    if (!blobs.has(layer.digest))
      blobs.set(layer.digest, {
        digest: layer.digest,
        size: layer.size,
        mediaType: layer.mediaType ?? 'application/vnd.oci.image.layer.v1.tar+gzip',
        from: ref,
        ...(chain !== undefined ? { chain } : {}),
      });
  });
  return {
    platform: platform ? formatPlatform(platform) : 'default',
    manifest: manifest.digest,
    config: body.config.digest,
    layers: body.layers.map((layer) => layer.digest),
  };
}
