import type { RegistrySession } from '../registry/index.js';
import type { SignatureGate } from '../signature/index.js';
import type { GateCandidate } from './candidate.js';

/** How every signature refusal's reason starts, so logs and people can tell it from a failed check. */
export const SIGNATURE_REFUSED = 'signature required: ';

/**
 * Why a candidate that needs a signature may not deploy, or undefined when its new digest is signed
 * by a trusted key or identity. Trusting none, every such candidate is refused: asking for
 * signatures and trusting nobody is a configuration to fix, not a reason to deploy unsigned images.
 */
export async function signatureRefusal(
  gate: SignatureGate | undefined,
  context: { readonly registry: RegistrySession; readonly signal: AbortSignal },
  item: GateCandidate,
): Promise<string | undefined> {
  const digest = item.result.latestDigest;
  const ref = item.target ?? item.ref;
  if (digest === undefined || ref === undefined) return `${SIGNATURE_REFUSED}the new digest is unknown`;
  if (gate === undefined)
    return `${SIGNATURE_REFUSED}no --signature-key or --signature-identity is configured`;
  const verdict = await gate.check(context.registry, ref, digest, context.signal);
  return verdict.ok ? undefined : `${SIGNATURE_REFUSED}${verdict.reason}`;
}
