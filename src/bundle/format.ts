import { z } from 'zod';

/**
 * A bundle is one tar file: this manifest first (`tidewatch-bundle.json`), its signature
 * (`tidewatch-bundle.sig`, when signed), then an OCI image layout (`oci-layout`, `index.json`,
 * `blobs/sha256/…`) holding the blobs it carries. The manifest lists every blob the images need,
 * carried or not, so the far side knows exactly what it must already hold (docs/offline.md).
 */
export const BUNDLE_FORMAT = 'tidewatch-bundle/1';
export const HAVE_FORMAT = 'tidewatch-have/1';
export const MANIFEST_FILE = 'tidewatch-bundle.json';
export const SIGNATURE_FILE = 'tidewatch-bundle.sig';
export const LAYOUT_FILES = ['oci-layout', 'index.json'] as const;
export const BLOB_DIR = 'blobs/sha256/';

const Sha256 = z.string().regex(/^sha256:[0-9a-f]{64}$/, 'not a sha256 digest');

export const BundleBlob = z.object({
  digest: Sha256,
  size: z.number().int().nonnegative(),
  mediaType: z.string(),
  /** In this file; otherwise the far side must hold it (its blob cache, or its engine's layers). */
  carried: z.boolean(),
});
export type BundleBlob = z.infer<typeof BundleBlob>;

/** One platform's image of a reference: what a `docker load` needs, in order. */
export const BundlePlatform = z.object({
  platform: z.string(),
  manifest: Sha256,
  config: Sha256,
  layers: z.array(Sha256),
});
export type BundlePlatform = z.infer<typeof BundlePlatform>;

export const BundleImage = z.object({
  /** The reference the far side's containers use, registry included: `registry:5000/app:1`. */
  ref: z.string(),
  /** The top manifest in the bundle (an index rewritten to the platforms kept, or a manifest). */
  digest: Sha256,
  /** The digest the registry had for `ref` when the bundle was made. */
  sourceDigest: Sha256,
  platforms: z.array(BundlePlatform).min(1),
});
export type BundleImage = z.infer<typeof BundleImage>;

export const BundleManifest = z.object({
  format: z.literal(BUNDLE_FORMAT),
  id: z.string().min(1),
  /** ISO 8601; a far side applies bundles in creation order only. */
  created: z.iso.datetime(),
  /** The bundle this one was built against with --since, if any: for messages. */
  previous: z.string().nullable(),
  images: z.array(BundleImage).min(1),
  blobs: z.array(BundleBlob),
});
export type BundleManifest = z.infer<typeof BundleManifest>;

export const BundleSignature = z.object({
  /** `ed25519:` and the first 16 hex of the sha256 of the public key (SPKI DER). */
  keyId: z.string(),
  /** Base64 Ed25519 signature of the manifest file's exact bytes. */
  signature: z.string(),
});
export type BundleSignature = z.infer<typeof BundleSignature>;

/** What a far side holds (`tidewatch bundle have`), for the connected side to build a delta. */
export const HaveFile = z.object({
  format: z.literal(HAVE_FORMAT),
  created: z.iso.datetime(),
  /** The references its containers run: `bundle create --have` bundles these when given none. */
  images: z.array(z.string()),
  /** Compressed blobs in its blob cache. */
  blobs: z.array(Sha256),
  /** Layer chain ids its engine holds (each layer with everything under it): loads skip them. */
  chains: z.array(Sha256),
  lastBundle: z.object({ id: z.string(), created: z.iso.datetime() }).nullable(),
});
export type HaveFile = z.infer<typeof HaveFile>;

/** `blobs/sha256/<hex>` for a digest. */
export function blobPath(digest: string): string {
  return `${BLOB_DIR}${digest.slice('sha256:'.length)}`;
}
