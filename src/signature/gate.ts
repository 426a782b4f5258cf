import { repositoryName, type ImageRef } from '../domain/index.js';
import type { Logger } from '../log/index.js';
import type { RegistrySession } from '../registry/index.js';
import { verifyCosign } from './cosign.js';
import type { SignatureKey } from './keys.js';

/** Whether a new digest may be deployed, as far as its signatures go. */
export type SignatureVerdict =
  | { readonly ok: true; readonly keyId: string }
  | {
      readonly ok: false;
      readonly reason: string;
      /** True when this run read the signatures (new or changed); false when the verdict was kept. */
      readonly fresh: boolean;
    };

interface Kept {
  /** The signature manifest the verdict was reached on; '' when there was none. */
  readonly signatures: string;
  readonly verdict: SignatureVerdict;
}

/** Verdicts kept per image digest; far more than a host runs, small enough never to matter. */
const MAX_KEPT = 2000;

/**
 * The signature gate (docs/security.md): a new digest deploys only with a valid cosign signature
 * by one of the configured keys. Each check costs one HEAD of the digest's `.sig` tag; the
 * signatures themselves are read (manifest and payloads) only when that tag is new or has moved,
 * so a refused digest is not verified again until its signatures change. Registry failures are
 * never a pass: the digest waits, with the registry's reason.
 */
export class SignatureGate {
  private readonly kept = new Map<string, Kept>();

  constructor(
    private readonly keys: readonly SignatureKey[],
    private readonly logger: Logger,
  ) {}

  async check(
    registry: RegistrySession,
    ref: ImageRef,
    digest: string,
    signal: AbortSignal,
  ): Promise<SignatureVerdict> {
    const key = `${repositoryName(ref)}@${digest}`;
    const where = await registry.signatureDigest(ref, digest, signal);
    if (where.kind === 'error')
      return { ok: false, fresh: true, reason: `its signatures could not be read: ${where.message}` };
    const signatures = where.kind === 'digest' ? where.digest : '';
    const kept = this.kept.get(key);
    if (kept !== undefined && kept.signatures === signatures)
      return kept.verdict.ok ? kept.verdict : { ...kept.verdict, fresh: false };

    let verdict: SignatureVerdict;
    if (where.kind === 'none') {
      verdict = { ok: false, fresh: true, reason: 'not signed: it has no cosign signature' };
    } else {
      const read = await registry.cosignSignatures(ref, signatures, signal);
      if (read.kind === 'error')
        return { ok: false, fresh: true, reason: `its signatures could not be read: ${read.message}` };
      const checked = verifyCosign(read.signatures, digest, this.keys);
      verdict = checked.ok ? checked : { ...checked, fresh: true };
    }
    this.keep(key, { signatures, verdict });
    this.logger.debug({ image: key, signatures, ...verdict }, 'signatures checked');
    return verdict;
  }

  private keep(key: string, entry: Kept): void {
    this.kept.delete(key);
    this.kept.set(key, entry);
    // A Map iterates in insertion order: the first key is the one checked longest ago.
    if (this.kept.size > MAX_KEPT) this.kept.delete(this.kept.keys().next().value ?? '');
  }
}
