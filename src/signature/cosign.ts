import { verify } from 'node:crypto';
import { z } from 'zod';
import type { SignatureKey } from './keys.js';

/** One signature as cosign stores it: a simple-signing payload and the signature over its bytes. */
export interface CosignSignature {
  /** The payload blob, exactly as stored: the signature is over these bytes. */
  readonly payload: Uint8Array;
  /** Base64, from the layer's `dev.cosignproject.cosign/signature` annotation. */
  readonly signature: string;
}

export type CosignVerdict =
  { readonly ok: true; readonly keyId: string } | { readonly ok: false; readonly reason: string };

/**
 * The "simple signing" payload (containers/image's signature format, as cosign writes it). Only
 * what is verified is read: the type and the manifest digest the signature vouches for.
 */
const SimpleSigning = z.object({
  critical: z.object({
    type: z.literal('cosign container image signature'),
    image: z.object({ 'docker-manifest-digest': z.string() }),
    identity: z.object({ 'docker-reference': z.string().optional() }).optional(),
  }),
});

/**
 * Whether one of `signatures` is a signature of image `digest` by one of `keys`. As cosign's own
 * key-based verification: the signature is checked over the payload's bytes, then the payload must
 * name this digest. The repository in the payload is not compared: mirrored images keep their
 * signatures, and the digest already says which image it is.
 */
export function verifyCosign(
  signatures: readonly CosignSignature[],
  digest: string,
  keys: readonly SignatureKey[],
): CosignVerdict {
  if (signatures.length === 0) return { ok: false, reason: 'not signed: it has no cosign signature' };
  let otherDigest: string | undefined;
  for (const entry of signatures) {
    const key = keys.find((candidate) => signedBy(entry, candidate));
    if (key === undefined) continue;
    const named = namedDigest(entry.payload);
    if (named === digest) return { ok: true, keyId: key.id };
    otherDigest ??= named ?? 'no image';
  }
  if (otherDigest !== undefined)
    return { ok: false, reason: `its signature is for ${otherDigest}, not for this image` };
  const count = signatures.length === 1 ? '1 signature' : `${signatures.length} signatures`;
  return { ok: false, reason: `not signed by a trusted key (${count}, none by --signature-key)` };
}

function signedBy(entry: CosignSignature, key: SignatureKey): boolean {
  const signature = Buffer.from(entry.signature, 'base64');
  if (signature.length === 0) return false;
  try {
    // Ed25519 takes no digest; ECDSA and RSA signatures from cosign are over SHA-256.
    const algorithm = key.key.asymmetricKeyType === 'ed25519' ? null : 'sha256';
    return verify(algorithm, entry.payload, key.key, signature);
  } catch {
    return false;
  }
}

function namedDigest(payload: Uint8Array): string | undefined {
  try {
    const parsed = SimpleSigning.safeParse(JSON.parse(Buffer.from(payload).toString('utf8')));
    return parsed.success ? parsed.data.critical.image['docker-manifest-digest'] : undefined;
  } catch {
    return undefined;
  }
}
