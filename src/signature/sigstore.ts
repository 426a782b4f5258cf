import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Bundle } from '@sigstore/bundle';
import type { Signer, TrustMaterial } from '@sigstore/verify';
import { z } from 'zod';
import { TidewatchError } from '../domain/errors.js';
import { IDENTITY_FLAG, type SigstoreIdentity } from './identity.js';

export { parseSigstoreIdentity, type SigstoreIdentity } from './identity.js';

/**
 * Keyless Sigstore bundles (issue 21): a bundle verifies when its Fulcio certificate chains to the
 * trusted root, its transparency-log entries and timestamps check out, its signature is over the
 * image, and the certificate's identity is one the operator trusts. Verification is offline: the
 * trusted root is a file (`trusted_root.json`, as `cosign trusted-root create` or Sigstore's TUF
 * repository gives it), never fetched.
 */

/**
 * The Sigstore packages, imported when a trusted root is read and not before: only hosts that
 * configure identities pay for loading them (scripts/bundle.js keeps them out of the bundle).
 */
interface SigstoreLib {
  readonly bundle: typeof import('@sigstore/bundle');
  readonly specs: typeof import('@sigstore/protobuf-specs');
  readonly verify: typeof import('@sigstore/verify');
}

/** A trusted root read from disk, ready for the verifier (with the packages that verify). */
export interface SigstoreTrust {
  readonly file: string;
  readonly material: TrustMaterial;
  readonly lib: SigstoreLib;
}

export type SigstoreVerdict =
  | { readonly ok: true; readonly identity: { readonly issuer: string; readonly subject: string } }
  | { readonly ok: false; readonly reason: string };

const TRUSTED_ROOT_FLAG = '--signature-trusted-root';
const TRUSTED_ROOT_MEDIA_TYPE = /^application\/vnd\.dev\.sigstore\.trustedroot(\.v[\d.]+)?\+json/;
/** in-toto's DSSE payload type (https://github.com/in-toto/attestation/blob/main/spec/v1/envelope.md). */
const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';

/** Reads a Sigstore trusted_root.json; every failure is one line naming the flag and the file. */
export async function readTrustedRoot(file: string, flag = TRUSTED_ROOT_FLAG): Promise<SigstoreTrust> {
  const fail = (cause: string, error?: unknown): never => {
    throw new TidewatchError('invalid-config', `${flag} ${file}: ${cause}`, { cause: error });
  };
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    return fail(firstLine(error), error);
  }
  const mediaType = (json as { mediaType?: unknown } | null)?.mediaType;
  if (typeof mediaType !== 'string' || !TRUSTED_ROOT_MEDIA_TYPE.test(mediaType))
    return fail(
      'not a Sigstore trusted root (its mediaType is not application/vnd.dev.sigstore.trustedroot+json)',
    );
  const [bundle, specs, verify] = await Promise.all([
    import('@sigstore/bundle'),
    import('@sigstore/protobuf-specs'),
    import('@sigstore/verify'),
  ]);
  try {
    const root = specs.TrustedRoot.fromJSON(json);
    // Keyless signatures need a Fulcio CA to chain to; a root without one could verify nothing.
    if (root.certificateAuthorities.length === 0) return fail('it names no certificate authority');
    return { file, material: verify.toTrustMaterial(root), lib: { bundle, specs, verify } };
  } catch (error) {
    return fail(`not a readable trusted root: ${firstLine(error)}`, error);
  }
}

/**
 * Whether `bundleJson` (a bundle's JSON, as text, bytes or parsed) is a keyless signature of image
 * `digest` by one of `identities`. A message-signature bundle is a signature over the manifest's
 * bytes, so it needs `manifest` (the bytes `digest` names); a DSSE bundle carries its own payload,
 * an in-toto statement whose subject must name the digest.
 */
export function verifySigstoreBundle(
  bundleJson: unknown,
  digest: string,
  trust: SigstoreTrust,
  identities: readonly SigstoreIdentity[],
  manifest?: Uint8Array,
): SigstoreVerdict {
  const bundle = parseBundle(trust.lib, bundleJson);
  if (typeof bundle === 'string') return { ok: false, reason: bundle };
  if (bundle.verificationMaterial.content.$case === 'publicKey')
    return { ok: false, reason: 'its Sigstore bundle is signed with a key, not a keyless certificate' };
  const artifact = artifactFor(bundle, digest, manifest);
  if (typeof artifact === 'string') return { ok: false, reason: artifact };

  let signer: Signer;
  try {
    const { Verifier, toSignedEntity } = trust.lib.verify;
    signer = new Verifier(trust.material).verify(toSignedEntity(bundle, artifact));
  } catch (error) {
    return { ok: false, reason: `its Sigstore bundle does not verify: ${firstLine(error)}` };
  }
  const named = signedDigest(trust.lib, bundle, digest);
  if (named !== digest)
    return { ok: false, reason: `its Sigstore bundle is for ${named}, not for this image` };
  return matchIdentity(signer, identities);
}

function parseBundle(lib: SigstoreLib, json: unknown): Bundle | string {
  try {
    const value: unknown =
      typeof json === 'string' || json instanceof Uint8Array ? JSON.parse(text(json)) : json;
    return lib.bundle.bundleFromJSON(value);
  } catch (error) {
    return `not a Sigstore bundle: ${firstLine(error)}`;
  }
}

/**
 * The bytes a message signature is over. Only the manifest `digest` names can be those bytes,
 * and the verifier hashes them itself, so a manifest that is not this digest's is refused here.
 */
function artifactFor(bundle: Bundle, digest: string, manifest?: Uint8Array): Buffer | undefined | string {
  if (bundle.content.$case !== 'messageSignature') return undefined;
  if (manifest === undefined) return 'its Sigstore bundle signs the manifest bytes, which were not read';
  if (sha256(manifest) !== digest) return 'the manifest read does not match the image digest';
  return Buffer.from(manifest);
}

/**
 * The image digest the (already verified) bundle vouches for, or a description of what it names
 * instead. A DSSE statement may list several subjects (one per platform, say): any that is this
 * digest will do.
 */
function signedDigest(lib: SigstoreLib, bundle: Bundle, digest: string): string {
  const { HashAlgorithm } = lib.specs;
  if (bundle.content.$case === 'messageSignature') {
    const { algorithm, digest: bytes } = bundle.content.messageSignature.messageDigest;
    if (algorithm !== HashAlgorithm.SHA2_256) return `a ${HashAlgorithm[algorithm]} digest`;
    return `sha256:${Buffer.from(bytes).toString('hex')}`;
  }
  const envelope = bundle.content.dsseEnvelope;
  if (envelope.payloadType !== IN_TOTO_PAYLOAD_TYPE) return `a ${envelope.payloadType} payload`;
  const subjects = statementSubjects(envelope.payload);
  if (subjects === undefined) return 'no readable in-toto statement';
  if (subjects.includes(digest)) return digest;
  return subjects[0] ?? 'no subject';
}

/**
 * An in-toto statement, v0.1 or v1: only the subjects' sha256 digests are read
 * (https://github.com/in-toto/attestation/blob/main/spec/v1/statement.md).
 */
const Statement = z.object({
  _type: z.string().startsWith('https://in-toto.io/Statement/'),
  subject: z.array(z.object({ digest: z.record(z.string(), z.string()) })),
});

/** The sha256 digests an in-toto statement names as its subjects; undefined if it is not one. */
function statementSubjects(payload: Uint8Array): string[] | undefined {
  let json: unknown;
  try {
    json = JSON.parse(text(payload));
  } catch {
    return undefined;
  }
  const parsed = Statement.safeParse(json);
  if (!parsed.success) return undefined;
  return parsed.data.subject.flatMap(({ digest }) =>
    digest.sha256 === undefined ? [] : [`sha256:${digest.sha256.toLowerCase()}`],
  );
}

/** Issuer exactly (Fulcio's issuer extension), subject by pattern (the certificate's SAN). */
function matchIdentity(signer: Signer, identities: readonly SigstoreIdentity[]): SigstoreVerdict {
  const issuer = signer.identity?.extensions?.issuer ?? '';
  const subject = signer.identity?.subjectAlternativeName ?? '';
  if (identities.some((identity) => identity.issuer === issuer && identity.subject.test(subject)))
    return { ok: true, identity: { issuer, subject } };
  return {
    ok: false,
    reason: `signed by ${subject || 'no subject'} (issuer ${issuer || 'none'}), not by an identity in ${IDENTITY_FLAG}`,
  };
}

function sha256(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

function text(value: string | Uint8Array): string {
  return typeof value === 'string' ? value : Buffer.from(value).toString('utf8');
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0] ?? message;
}
