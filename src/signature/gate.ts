import { repositoryName, type ImageRef } from '../domain/index.js';
import type { Logger } from '../log/index.js';
import type { RegistrySession, SigstoreReferrer } from '../registry/index.js';
import { checkBundles, type SigstoreCheck } from './bundles.js';
import { verifyCosign } from './cosign.js';
import type { SignatureKey } from './keys.js';

/** Whether a new digest may be deployed, as far as its signatures go. */
export type SignatureVerdict =
  | {
      readonly ok: true;
      /** Who signed: `key <id>` for a cosign key, the certificate's subject and issuer for a bundle. */
      readonly signer: string;
    }
  | {
      readonly ok: false;
      readonly reason: string;
      /** True when this run read the signatures (new or changed); false when the verdict was kept. */
      readonly fresh: boolean;
    };

/** Whom the gate trusts: cosign keys, keyless identities (with their trusted root), or both. */
export interface SignatureTrust {
  readonly keys: readonly SignatureKey[];
  readonly sigstore?: SigstoreCheck | undefined;
}

/** Where a digest's signatures are: its `.sig` manifest ('' for none) and its bundle referrers. */
interface Found {
  readonly cosign: string;
  readonly referrers: readonly SigstoreReferrer[];
}

interface Kept {
  /** The signatures the verdict was reached on: the `.sig` digest and the referrers' digests. */
  readonly fingerprint: string;
  readonly verdict: SignatureVerdict;
}

/** Verdicts kept per image digest; far more than a host runs, small enough never to matter. */
const MAX_KEPT = 2000;

/**
 * The signature gate (docs/security.md): a new digest deploys only with a valid cosign signature
 * by one of the configured keys or a Sigstore bundle by one of the configured identities. Each
 * check costs one HEAD of the digest's `.sig` tag (with keys) and one listing of its referrers
 * (with identities); the signatures themselves are read only when either has changed, so a
 * refused digest is not verified again until its signatures change. Registry failures are never
 * a pass: the digest waits, with the registry's reason.
 */
export class SignatureGate {
  private readonly kept = new Map<string, Kept>();

  constructor(
    private readonly trust: SignatureTrust,
    private readonly logger: Logger,
  ) {}

  async check(
    registry: RegistrySession,
    ref: ImageRef,
    digest: string,
    signal: AbortSignal,
  ): Promise<SignatureVerdict> {
    const key = `${repositoryName(ref)}@${digest}`;
    const found = await this.find(registry, ref, digest, signal);
    if (typeof found === 'string') return unreadable(found);
    const fingerprint = [found.cosign, ...found.referrers.map((r) => r.digest).sort()].join(' ');
    const kept = this.kept.get(key);
    if (kept !== undefined && kept.fingerprint === fingerprint)
      return kept.verdict.ok ? kept.verdict : { ...kept.verdict, fresh: false };

    const verdict = await this.verify(registry, ref, digest, found, signal);
    if (typeof verdict === 'string') return unreadable(verdict);
    this.keep(key, { fingerprint, verdict });
    this.logger.debug({ image: key, signatures: fingerprint, ...verdict }, 'signatures checked');
    return verdict;
  }

  /** Only what can be verified is asked: no `.sig` HEAD without keys, no referrers without identities. */
  private async find(
    registry: RegistrySession,
    ref: ImageRef,
    digest: string,
    signal: AbortSignal,
  ): Promise<Found | string> {
    let cosign = '';
    if (this.trust.keys.length > 0) {
      const where = await registry.signatureDigest(ref, digest, signal);
      if (where.kind === 'error') return where.message;
      cosign = where.kind === 'digest' ? where.digest : '';
    }
    let referrers: readonly SigstoreReferrer[] = [];
    if (this.trust.sigstore !== undefined) {
      const listed = await registry.sigstoreReferrers(ref, digest, signal);
      if (listed.kind === 'error') return listed.message;
      referrers = listed.referrers;
    }
    return { cosign, referrers };
  }

  /** A verdict, or the registry's reason when the signatures could not be read (not kept). */
  private async verify(
    registry: RegistrySession,
    ref: ImageRef,
    digest: string,
    found: Found,
    signal: AbortSignal,
  ): Promise<SignatureVerdict | string> {
    const refusals: string[] = [];
    if (this.trust.keys.length > 0) {
      if (found.cosign === '') refusals.push('it has no cosign signature');
      else {
        const read = await registry.cosignSignatures(ref, found.cosign, signal);
        if (read.kind === 'error') return read.message;
        const checked = verifyCosign(read.signatures, digest, this.trust.keys);
        if (checked.ok) return { ok: true, signer: `key ${checked.keyId}` };
        refusals.push(checked.reason);
      }
    }
    if (this.trust.sigstore !== undefined) {
      const bundles = await checkBundles(registry, this.trust.sigstore, ref, digest, found.referrers, signal);
      if (bundles.kind === 'error') return bundles.reason;
      if (bundles.kind === 'signed') return { ok: true, signer: bundles.signer };
      refusals.push(bundles.reason);
    }
    return { ok: false, fresh: true, reason: refusalReason(found, refusals) };
  }

  private keep(key: string, entry: Kept): void {
    this.kept.delete(key);
    this.kept.set(key, entry);
    // A Map iterates in insertion order: the first key is the one checked longest ago.
    if (this.kept.size > MAX_KEPT) this.kept.delete(this.kept.keys().next().value ?? '');
  }
}

/** "not signed" when nothing is there at all; otherwise what each kind of signature lacked. */
function refusalReason(found: Found, refusals: readonly string[]): string {
  if (found.cosign === '' && found.referrers.length === 0)
    return `not signed: ${refusals.join(' and ').replace(' and it has no', ' and no')}`;
  return refusals.join('; ');
}

function unreadable(message: string): SignatureVerdict {
  return { ok: false, fresh: true, reason: `its signatures could not be read: ${message}` };
}
