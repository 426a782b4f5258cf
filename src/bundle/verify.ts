import type { BundleImage, BundleManifest, BundlePlatform } from './format.js';
import { signatureProblem, type TrustedKey } from './keys.js';
import type { ReadBundle } from './read.js';
import { BundleRejected } from './rejected.js';

/** What the far side has applied before, for replay and order checks. */
export interface AppliedBefore {
  readonly ids: ReadonlySet<string>;
  readonly last: { readonly id: string; readonly created: string } | undefined;
}

/** Where each blob a load needs comes from. */
export type BlobSource =
  | { readonly kind: 'bundle'; readonly path: string }
  | { readonly kind: 'cache' }
  | { readonly kind: 'engine' };

export interface VerifyContext {
  readonly keys: readonly TrustedKey[];
  readonly applied: AppliedBefore;
  readonly cached: (digest: string) => boolean;
  /** Layer chains held where the images go (the engine); none when pushing to a registry. */
  readonly heldChain: (layerDigest: string, image: BundlePlatform) => boolean;
  /** The platforms that will be used, per image: the engine's one, or all (a registry target). */
  readonly platformsOf: (image: BundleImage) => BundlePlatform[];
}

export interface VerifiedBundle {
  readonly manifest: BundleManifest;
  readonly sources: Map<string, BlobSource>;
  readonly uses: { readonly image: BundleImage; readonly platforms: BundlePlatform[] }[];
}

/**
 * Every check a bundle passes before anything changes, in the order a reason is most useful:
 * signature, replay and order, each carried blob against its digest and size, then completeness
 * (each blob needed is carried, cached from an earlier bundle, or — layers — held by the engine).
 * Throws BundleRejected naming the first problem.
 */
export function verifyBundle(read: ReadBundle, context: VerifyContext): VerifiedBundle {
  const { manifest } = read;
  const problem = signatureProblem(read.manifestBytes, read.signature, context.keys);
  if (problem !== undefined) throw new BundleRejected(problem);
  checkOrder(manifest, context.applied);

  const listed = new Map(manifest.blobs.map((blob) => [blob.digest, blob]));
  for (const [digest, staged] of read.blobs) {
    const blob = listed.get(digest);
    if (blob === undefined || !blob.carried)
      throw new BundleRejected(`blob ${digest} is in the file but not listed as carried`);
    if (staged.actualDigest !== digest)
      throw new BundleRejected(
        `blob ${digest} does not match its digest (its bytes hash to ${staged.actualDigest}): corrupt or tampered`,
      );
    if (staged.size !== blob.size)
      throw new BundleRejected(`blob ${digest} has ${staged.size} bytes, the manifest says ${blob.size}`);
  }
  for (const blob of manifest.blobs) {
    if (blob.carried && !read.blobs.has(blob.digest))
      throw new BundleRejected(`blob ${blob.digest} is listed as carried but is not in the file: truncated?`);
  }

  const sources = new Map<string, BlobSource>();
  const uses = manifest.images.map((image) => ({ image, platforms: context.platformsOf(image) }));
  const need = (digest: string, what: string, layerOf?: BundlePlatform): void => {
    const staged = read.blobs.get(digest);
    if (staged !== undefined) sources.set(digest, { kind: 'bundle', path: staged.path });
    else if (context.cached(digest)) sources.set(digest, { kind: 'cache' });
    else if (layerOf !== undefined && context.heldChain(digest, layerOf))
      sources.set(digest, { kind: 'engine' });
    else {
      const base = manifest.previous ? `; it builds on bundle ${manifest.previous}` : '';
      throw new BundleRejected(
        `${what} ${digest} is neither in the file nor held here${base}: build it with --have from this host`,
      );
    }
  };
  for (const { image, platforms } of uses) {
    if (platforms.length === 0)
      throw new BundleRejected(
        `${image.ref}: none of its platforms (${image.platforms.map((p) => p.platform).join(', ')}) runs here`,
      );
    need(image.digest, `${image.ref}: manifest`);
    for (const platform of platforms) {
      need(platform.manifest, `${image.ref}: manifest`);
      need(platform.config, `${image.ref}: config`);
      platform.layers.forEach((layer, index) =>
        need(layer, `${image.ref}: layer ${index + 1} of ${platform.layers.length}`, platform),
      );
    }
  }
  return { manifest, sources, uses };
}

function checkOrder(manifest: BundleManifest, applied: AppliedBefore): void {
  if (applied.ids.has(manifest.id))
    throw new BundleRejected(`bundle ${manifest.id} was applied here before: a replay`);
  const last = applied.last;
  if (last !== undefined && Date.parse(manifest.created) <= Date.parse(last.created)) {
    throw new BundleRejected(
      `bundle ${manifest.id} was made ${manifest.created}, not after the last one applied here (${last.id}, ${last.created}): replayed or out of order`,
    );
  }
}
