import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';
import { readFileSync } from 'node:fs';
import { TidewatchError } from '../domain/errors.js';
import type { BundleSignature } from './format.js';

/** A public key a far side trusts (--bundle-key), with the id signatures name it by. */
export interface TrustedKey {
  readonly id: string;
  readonly key: KeyObject;
  readonly file: string;
}

/** `ed25519:<16 hex>`: the sha256 of the public key's SPKI DER, shortened; stable across PEM layouts. */
export function keyIdOf(publicKey: KeyObject): string {
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return `ed25519:${createHash('sha256').update(der).digest('hex').slice(0, 16)}`;
}

/** A new Ed25519 key pair as PEM: the private key signs bundles, the public one goes to far sides. */
export function generateBundleKeys(): { privatePem: string; publicPem: string; id: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    id: keyIdOf(publicKey),
  };
}

/**
 * The Ed25519 key in PEM file `file`, given as `flag`, read as a private or a public key. Every failure is one line naming the flag, the file and the cause.
 */
function readEd25519(file: string, flag: string, kind: 'private' | 'public'): KeyObject {
  let pem: string;
  try {
    pem = readFileSync(file, 'utf8');
  } catch (error) {
    throw new TidewatchError('invalid-config', `${flag} ${file}: ${(error as Error).message}`);
  }
  let key: KeyObject;
  try {
    key = kind === 'private' ? createPrivateKey(pem) : createPublicKey(pem);
  } catch {
    throw new TidewatchError('invalid-config', `${flag} ${file}: not a PEM ${kind} key`);
  }
  if (key.asymmetricKeyType !== 'ed25519')
    throw new TidewatchError(
      'invalid-config',
      `${flag} ${file}: an ${key.asymmetricKeyType} key, not Ed25519`,
    );
  return key;
}

export function loadSigningKey(file: string): { key: KeyObject; id: string } {
  const key = readEd25519(file, '--sign-key', 'private');
  return { key, id: keyIdOf(createPublicKey(key)) };
}

export function loadTrustedKeys(files: readonly string[]): TrustedKey[] {
  return files.map((file) => {
    const key = readEd25519(file, '--bundle-key', 'public');
    return { id: keyIdOf(key), key, file };
  });
}

export function signManifest(bytes: Buffer, signing: { key: KeyObject; id: string }): BundleSignature {
  return { keyId: signing.id, signature: sign(null, bytes, signing.key).toString('base64') };
}

/**
 * Why the manifest's signature is not acceptable to `keys`, or undefined when it is. With no keys
 * configured every bundle is accepted, signed or not (the far side chose not to check).
 */
export function signatureProblem(
  bytes: Buffer,
  signature: BundleSignature | undefined,
  keys: readonly TrustedKey[],
): string | undefined {
  if (keys.length === 0) return undefined;
  if (signature === undefined) return 'it is not signed, and --bundle-key requires a signature';
  const trusted = keys.find((key) => key.id === signature.keyId);
  if (trusted === undefined)
    return `it is signed by ${signature.keyId}, which is not one of the --bundle-key keys (${keys.map((key) => key.id).join(', ')})`;
  const ok = verify(null, bytes, trusted.key, Buffer.from(signature.signature, 'base64'));
  return ok
    ? undefined
    : `its signature does not verify with ${trusted.id} (${trusted.file}): the manifest was changed after signing`;
}
