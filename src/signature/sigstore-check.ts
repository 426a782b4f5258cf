import { TidewatchError } from '../domain/errors.js';
import type { SigstoreCheck } from './bundles.js';
import { parseSigstoreIdentity } from './identity.js';

/**
 * The keyless half of the gate, from --signature-trusted-root and --signature-identity. The
 * identities are parsed first (no package needed), then sigstore.ts and the Sigstore packages are
 * imported: a host without identities never loads them. Every failure is one line naming its
 * option and the cause, before any connection is made.
 */
export async function loadSigstoreCheck(
  trustedRoot: string | undefined,
  identityTexts: readonly string[],
): Promise<SigstoreCheck> {
  const identities = identityTexts.map((text) => parseSigstoreIdentity(text));
  if (trustedRoot === undefined || trustedRoot === '')
    throw new TidewatchError(
      'invalid-config',
      '--signature-identity needs --signature-trusted-root: keyless signatures are checked against it',
    );
  const { readTrustedRoot, verifySigstoreBundle } = await import('./sigstore.js');
  const trust = await readTrustedRoot(trustedRoot);
  return { verify: (bundle, digest) => verifySigstoreBundle(bundle, digest, trust, identities) };
}
