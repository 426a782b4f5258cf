import { z } from 'zod';
import type { ImageRef } from '../domain/image-ref.js';
import { RegistryFailure, statusFailure } from './failure.js';
import { Digest, MANIFEST_ACCEPT, parseJson, sha256Digest } from './manifest-schemas.js';
import { authorisedRequest, type RepositoryDeps } from './repository-request.js';
import type { StoredSignature } from './types.js';

const SIMPLE_SIGNING = 'application/vnd.dev.cosign.simplesigning.v1+json';
const SIGNATURE_ANNOTATION = 'dev.cosignproject.cosign/signature';
/** A payload is a few hundred bytes; anything much larger is not one and is not read. */
const MAX_PAYLOAD_BYTES = 64 * 1024;
/** Cosign appends one layer per signing; a few dozen is already a lot. */
const MAX_SIGNATURES = 32;

const SignatureManifest = z.object({
  schemaVersion: z.literal(2),
  layers: z.array(
    z.object({
      mediaType: z.string(),
      digest: Digest,
      size: z.number().int().nonnegative(),
      annotations: z.record(z.string(), z.string()).optional(),
    }),
  ),
});

/** `sha256-<hex>.sig`: the tag cosign stores the signatures of image `digest` under. */
export function signatureTag(digest: string): string {
  return `${digest.replace(':', '-')}.sig`;
}

/** The signatures in signature manifest `manifestDigest`: the manifest, then each payload blob. */
export async function readCosignSignatures(
  deps: RepositoryDeps,
  ref: ImageRef,
  manifestDigest: string,
  signal: AbortSignal,
): Promise<StoredSignature[]> {
  const what = `${ref.registry}/${ref.repository}@${manifestDigest} signatures`;
  const base = `${deps.endpoints.baseUrl(ref.registry)}/v2/${ref.repository}`;
  const response = await authorisedRequest(
    deps,
    ref,
    { url: `${base}/manifests/${manifestDigest}`, kind: 'manifest', what, accept: MANIFEST_ACCEPT },
    signal,
  );
  if (response.status !== 200) throw statusFailure(response.status, what);
  checkDigest(response.body, manifestDigest, what);
  const parsed = SignatureManifest.safeParse(parseJson(response.body, what));
  if (!parsed.success)
    throw new RegistryFailure('registry-bad-response', `${what}: not a signature manifest`);
  const layers = parsed.data.layers
    .filter((layer) => layer.mediaType === SIMPLE_SIGNING && layer.size <= MAX_PAYLOAD_BYTES)
    .slice(0, MAX_SIGNATURES);
  const signatures: StoredSignature[] = [];
  for (const layer of layers) {
    const signature = layer.annotations?.[SIGNATURE_ANNOTATION];
    if (signature === undefined) continue;
    const blobWhat = `${ref.registry}/${ref.repository}@${layer.digest} signature payload`;
    const blob = await authorisedRequest(
      deps,
      ref,
      { url: `${base}/blobs/${layer.digest}`, kind: 'blob', what: blobWhat, accept: SIMPLE_SIGNING },
      signal,
    );
    if (blob.status !== 200) throw statusFailure(blob.status, blobWhat);
    checkDigest(blob.body, layer.digest, blobWhat);
    signatures.push({ payload: blob.body, signature });
  }
  return signatures;
}

/** Content addressing: a body that does not hash to its digest is not what was asked for. */
function checkDigest(body: Uint8Array, digest: string, what: string): void {
  if (digest.startsWith('sha256:') && sha256Digest(body) !== digest)
    throw new RegistryFailure('registry-bad-response', `${what}: body does not match its digest`);
}
