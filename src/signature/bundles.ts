import type { ImageRef } from '../domain/index.js';
import type { RegistrySession, SigstoreReferrer } from '../registry/index.js';
import type { SigstoreVerdict } from './sigstore.js';

/**
 * Verifies one bundle for image `digest` against the configured trusted root and identities.
 * A port, so the gate never imports the Sigstore packages: sigstore-check.ts fills it after the
 * dynamic import, only when --signature-identity is set.
 */
export interface SigstoreCheck {
  verify(bundle: Uint8Array, digest: string): SigstoreVerdict;
}

/** What the bundles say: a signer, a refusal, or the registry failure that kept them unread. */
export type BundlesOutcome =
  | { readonly kind: 'signed'; readonly signer: string }
  | { readonly kind: 'refused'; readonly reason: string }
  | { readonly kind: 'error'; readonly reason: string };

/**
 * The first bundle among `referrers` that verifies names the signer; otherwise the first refusal's
 * reason (the others usually say the same), with how many more were refused. Bundles are read one
 * by one and the reading stops at the first that verifies: one is enough.
 */
export async function checkBundles(
  registry: RegistrySession,
  check: SigstoreCheck,
  ref: ImageRef,
  digest: string,
  referrers: readonly SigstoreReferrer[],
  signal: AbortSignal,
): Promise<BundlesOutcome> {
  const reasons: string[] = [];
  for (const referrer of referrers) {
    const read = await registry.sigstoreBundle(ref, digest, referrer, signal);
    if (read.kind === 'error') return { kind: 'error', reason: read.message };
    if (read.bundle === undefined) {
      reasons.push(`its referrer ${referrer.digest} holds no Sigstore bundle of this image`);
      continue;
    }
    const verdict = check.verify(read.bundle, digest);
    if (verdict.ok)
      return { kind: 'signed', signer: `${verdict.identity.subject} (issuer ${verdict.identity.issuer})` };
    reasons.push(verdict.reason);
  }
  const [first = 'it has no Sigstore bundle', ...rest] = reasons;
  const more =
    rest.length === 0 ? '' : ` (and ${rest.length} more bundle${rest.length === 1 ? '' : 's'} refused)`;
  return { kind: 'refused', reason: `${first}${more}` };
}
