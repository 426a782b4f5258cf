import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { TidewatchError } from '../domain/errors.js';

/** A public key image signatures are checked against (--signature-key), with a short id for messages. */
export interface SignatureKey {
  /** `<type>:<12 hex>`: the sha256 of the key's SPKI DER, so the same key reads the same in any PEM layout. */
  readonly id: string;
  readonly key: KeyObject;
  readonly file: string;
}

/** The key types cosign signs with: ECDSA (P-256 by default), RSA and Ed25519. */
const SUPPORTED = new Set(['ec', 'rsa', 'ed25519']);

const PEM_BLOCK = /-----BEGIN PUBLIC KEY-----[\s\S]+?-----END PUBLIC KEY-----/g;

/**
 * Every public key in the PEM files (`cosign.pub` as `cosign generate-key-pair` writes it; a file may
 * hold several). Each failure is one line naming --signature-key, the file and the cause.
 */
export function readSignatureKeys(files: readonly string[]): SignatureKey[] {
  return files.flatMap((file) => {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw new TidewatchError('invalid-config', `--signature-key ${file}: ${(error as Error).message}`);
    }
    const blocks = text.match(PEM_BLOCK) ?? [];
    if (blocks.length === 0)
      throw new TidewatchError('invalid-config', `--signature-key ${file}: no PEM public key in it`);
    return blocks.map((pem) => {
      let key: KeyObject;
      try {
        key = createPublicKey(pem);
      } catch {
        throw new TidewatchError('invalid-config', `--signature-key ${file}: not a readable PEM public key`);
      }
      const type = key.asymmetricKeyType ?? 'unknown';
      if (!SUPPORTED.has(type))
        throw new TidewatchError(
          'invalid-config',
          `--signature-key ${file}: an ${type} key; cosign keys are ECDSA, RSA or Ed25519`,
        );
      return { id: signatureKeyId(key), key, file };
    });
  });
}

export function signatureKeyId(key: KeyObject): string {
  const der = key.export({ type: 'spki', format: 'der' });
  return `${key.asymmetricKeyType}:${createHash('sha256').update(der).digest('hex').slice(0, 12)}`;
}
