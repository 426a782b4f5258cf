import { z } from 'zod';
import type { ImageRef } from '../domain/image-ref.js';
import { RegistryFailure, statusFailure } from './failure.js';
import {
  Digest,
  MANIFEST_ACCEPT,
  MEDIA_TYPES,
  describeZodError,
  parseJson,
  sha256Digest,
} from './manifest-schemas.js';
import { authorisedRequest, type RepositoryDeps } from './repository-request.js';
import type { SigstoreReferrer } from './types.js';

export type { SigstoreReferrer } from './types.js';

/**
 * Sigstore bundles attached to an image as OCI 1.1 referrers (cosign `--new-bundle-format`,
 * GitHub's attest actions): each is a manifest whose `subject` is the image and whose layer is the
 * bundle JSON. Found through the referrers API when the registry has one, else through the
 * "referrers tag schema" fallback that registries without it (distribution 2.8) are pushed with:
 * https://github.com/opencontainers/distribution-spec/blob/v1.1.0/spec.md#listing-referrers and
 * #referrers-tag-schema.
 */

/** The bundle referrers of an image, and where they were listed. */
export interface SigstoreReferrers {
  /** `api` (GET /referrers), `tag` (the `sha256-<hex>` index) or `none` (neither has any). */
  readonly source: 'api' | 'tag' | 'none';
  readonly referrers: readonly SigstoreReferrer[];
}

/** Sigstore's bundle media types, v0.3 first: the artifactType of a bundle referrer. */
export const SIGSTORE_BUNDLE_TYPES: readonly string[] = [
  'application/vnd.dev.sigstore.bundle.v0.3+json',
  'application/vnd.dev.sigstore.bundle+json;version=0.3',
  'application/vnd.dev.sigstore.bundle+json;version=0.2',
  'application/vnd.dev.sigstore.bundle+json;version=0.1',
];

/** A bundle is a few kB (tens with a large provenance); anything far larger is not read. */
const MAX_BUNDLE_BYTES = 1024 * 1024;
/** Each signing adds a referrer; past a few dozen the rest are not read (and not needed: one will do). */
const MAX_REFERRERS = 32;

const Descriptor = z.object({
  mediaType: z.string().optional(),
  digest: Digest,
  size: z.number().int().nonnegative().optional(),
  artifactType: z.string().optional(),
});

const ReferrersIndex = z.object({ schemaVersion: z.literal(2), manifests: z.array(Descriptor) });

const BundleManifest = z.object({
  schemaVersion: z.literal(2),
  artifactType: z.string().optional(),
  subject: z.object({ digest: Digest }).optional(),
  layers: z.array(Descriptor.extend({ size: z.number().int().nonnegative() })),
});

/** `sha256-<hex>`: the tag the referrers of image `digest` are kept under without a referrers API. */
export function referrersTag(digest: string): string {
  const [algorithm = '', hex = ''] = digest.split(':');
  // The spec truncates: algorithm to 32 characters, encoded digest to 64.
  return `${algorithm.slice(0, 32)}-${hex.slice(0, 64)}`;
}

/**
 * The Sigstore bundle referrers of image `digest`. The referrers API is asked first; a 404 means
 * the registry has none (the spec's rule for falling back), and then the tag schema is read.
 * Their digests change whenever a bundle is attached, so they can key a cached verdict.
 */
export async function listSigstoreReferrers(
  deps: RepositoryDeps,
  ref: ImageRef,
  digest: string,
  signal: AbortSignal,
): Promise<SigstoreReferrers> {
  const base = `${deps.endpoints.baseUrl(ref.registry)}/v2/${ref.repository}`;
  const apiWhat = `${ref.registry}/${ref.repository}@${digest} referrers`;
  const api = await authorisedRequest(
    deps,
    ref,
    { url: `${base}/referrers/${digest}`, kind: 'manifest', what: apiWhat, accept: MEDIA_TYPES.ociIndex },
    signal,
  );
  if (api.status === 200) return { source: 'api', referrers: bundleReferrers(api.body, apiWhat) };
  if (api.status !== 404) throw statusFailure(api.status, apiWhat);

  const tag = referrersTag(digest);
  const tagWhat = `${ref.registry}/${ref.repository}:${tag} referrers`;
  const fallback = await authorisedRequest(
    deps,
    ref,
    { url: `${base}/manifests/${tag}`, kind: 'manifest', what: tagWhat, accept: MANIFEST_ACCEPT },
    signal,
  );
  if (fallback.status === 404) return { source: 'none', referrers: [] };
  if (fallback.status !== 200) throw statusFailure(fallback.status, tagWhat);
  return { source: 'tag', referrers: bundleReferrers(fallback.body, tagWhat) };
}

/**
 * The bundle in referrer manifest `referrer` of image `digest`: the manifest, then its bundle
 * layer. Undefined when the manifest is not a bundle of this image after all (another subject, no
 * bundle layer, a layer too large): the list said it was, the manifest has the last word.
 */
export async function readSigstoreBundle(
  deps: RepositoryDeps,
  ref: ImageRef,
  digest: string,
  referrer: SigstoreReferrer,
  signal: AbortSignal,
): Promise<Uint8Array | undefined> {
  const base = `${deps.endpoints.baseUrl(ref.registry)}/v2/${ref.repository}`;
  const what = `${ref.registry}/${ref.repository}@${referrer.digest} Sigstore bundle manifest`;
  const accept = `${MEDIA_TYPES.ociManifest}, ${MANIFEST_ACCEPT}`;
  const response = await authorisedRequest(
    deps,
    ref,
    { url: `${base}/manifests/${referrer.digest}`, kind: 'manifest', what, accept },
    signal,
  );
  if (response.status !== 200) throw statusFailure(response.status, what);
  checkDigest(response.body, referrer.digest, what);
  const parsed = BundleManifest.safeParse(parseJson(response.body, what));
  if (!parsed.success)
    throw new RegistryFailure('registry-bad-response', `${what}: ${describeZodError(parsed.error)}`);
  if (parsed.data.subject !== undefined && parsed.data.subject.digest !== digest) return undefined;
  const layer = parsed.data.layers.find((candidate) => isBundleType(candidate.mediaType));
  if (layer === undefined || layer.size > MAX_BUNDLE_BYTES) return undefined;

  const blobWhat = `${ref.registry}/${ref.repository}@${layer.digest} Sigstore bundle`;
  const blob = await authorisedRequest(
    deps,
    ref,
    { url: `${base}/blobs/${layer.digest}`, kind: 'blob', what: blobWhat, accept: layer.mediaType ?? '*/*' },
    signal,
  );
  if (blob.status !== 200) throw statusFailure(blob.status, blobWhat);
  checkDigest(blob.body, layer.digest, blobWhat);
  return blob.body;
}

/** The bundle entries of a referrers index (API answer or fallback tag), at most MAX_REFERRERS. */
function bundleReferrers(body: Uint8Array, what: string): SigstoreReferrer[] {
  const parsed = ReferrersIndex.safeParse(parseJson(body, what));
  if (!parsed.success)
    throw new RegistryFailure(
      'registry-bad-response',
      `${what}: not an image index (${describeZodError(parsed.error)})`,
    );
  return parsed.data.manifests
    .filter((entry) => isBundleType(entry.artifactType))
    .slice(0, MAX_REFERRERS)
    .map((entry) => ({ digest: entry.digest, artifactType: entry.artifactType ?? '' }));
}

function isBundleType(type: string | undefined): boolean {
  return type !== undefined && SIGSTORE_BUNDLE_TYPES.includes(type.replace(/\s+/g, ''));
}

/** Content addressing: a body that does not hash to its digest is not what was asked for. */
function checkDigest(body: Uint8Array, digest: string, what: string): void {
  if (digest.startsWith('sha256:') && sha256Digest(body) !== digest)
    throw new RegistryFailure('registry-bad-response', `${what}: body does not match its digest`);
}
