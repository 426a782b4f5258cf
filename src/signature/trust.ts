import { TidewatchError } from '../domain/errors.js';
import type { SignatureTrust } from './gate.js';
import { readSignatureKeys } from './keys.js';
import { loadSigstoreCheck } from './sigstore-check.js';

/** The settings the gate's trust is read from. */
export interface TrustSettings {
  readonly requireSignature: boolean;
  readonly signatureKeys: readonly string[];
  readonly signatureTrustedRoot?: string | undefined;
  readonly signatureIdentities: readonly string[];
}

/**
 * The keys and identities signatures are checked against, read at start so that a file that
 * cannot be read is a configuration error before any connection; undefined when none is set.
 * A half-configured gate is refused too: asking for signatures while trusting nobody, or giving a
 * trusted root with no identity to check against it, is a mistake to fix, not a setting to run.
 */
export async function loadSignatureTrust(settings: TrustSettings): Promise<SignatureTrust | undefined> {
  const keys = readSignatureKeys(settings.signatureKeys);
  const root = settings.signatureTrustedRoot;
  if (settings.signatureIdentities.length === 0 && root !== undefined && root !== '')
    throw new TidewatchError(
      'invalid-config',
      '--signature-trusted-root needs --signature-identity: it says whose keyless signatures to trust',
    );
  const sigstore =
    settings.signatureIdentities.length > 0
      ? await loadSigstoreCheck(root, settings.signatureIdentities)
      : undefined;
  if (keys.length === 0 && sigstore === undefined) {
    if (settings.requireSignature)
      throw new TidewatchError(
        'invalid-config',
        '--require-signature needs --signature-key or --signature-identity: trusting nobody, no new image could deploy',
      );
    return undefined;
  }
  return { keys, sigstore };
}
