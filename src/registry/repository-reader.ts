import type { ImageRef } from '../domain/image-ref.js';
import type { Platform } from '../domain/image.js';
import type { Logger } from '../log/index.js';
import { readCosignSignatures } from './cosign-signatures.js';
import { imageConfigFacts, type ImageConfigFacts } from './image-created.js';
import { RegistryFailure } from './failure.js';
import type { ParsedManifest } from './manifest-schemas.js';
import { Memo } from './memo.js';
import type { RepositoryDeps } from './repository-request.js';
import { listSigstoreReferrers, readSigstoreBundle } from './sigstore-referrers.js';
import { listAllTags } from './tags.js';
import type {
  CreatedLookup,
  SigstoreBundleRead,
  SigstoreReferrer,
  SigstoreReferrerList,
  SignatureRead,
  TagListing,
} from './types.js';

export interface RepositoryReaderDeps extends RepositoryDeps {
  readonly logger: Logger;
}

type ManifestFetch = (ref: ImageRef, digest: string, signal: AbortSignal) => Promise<ParsedManifest>;

/**
 * What tag policies and cooldowns ask a registry besides "what does this tag point at": a
 * repository's tags and an image's creation time. One per session, memoised like the rest of the
 * session: a repository's tags are listed once per cycle however many containers use it.
 */
export class RepositoryReader {
  private readonly tags = new Memo<string[]>();
  private readonly created = new Memo<ImageConfigFacts>();
  private readonly referrers = new Memo<readonly SigstoreReferrer[]>();
  private readonly bundles = new Memo<Uint8Array | undefined>();

  constructor(
    private readonly deps: RepositoryReaderDeps,
    private readonly manifest: ManifestFetch,
  ) {}

  async listTags(ref: ImageRef, signal: AbortSignal): Promise<TagListing> {
    const key = `${ref.registry}/${ref.repository}`;
    try {
      const tags = await this.tags.get(key, signal, (shared) => listAllTags(this.deps, ref, shared));
      this.deps.logger.debug({ repository: key, tags: tags.length }, 'listed tags');
      return { kind: 'tags', tags };
    } catch (error) {
      return this.failure(error, signal, key);
    }
  }

  async imageCreated(
    ref: ImageRef,
    digest: string,
    platform: Platform,
    signal: AbortSignal,
  ): Promise<CreatedLookup> {
    const key = `${ref.registry}/${ref.repository}@${digest}`;
    try {
      const facts = await this.created.get(key, signal, (shared) =>
        imageConfigFacts(this.deps, (d, s) => this.manifest(ref, d, s), ref, digest, platform, shared),
      );
      return { kind: 'created', at: facts.created, labels: facts.labels };
    } catch (error) {
      return this.failure(error, signal, key);
    }
  }

  async cosignSignatures(ref: ImageRef, manifestDigest: string, signal: AbortSignal): Promise<SignatureRead> {
    try {
      return {
        kind: 'signatures',
        signatures: await readCosignSignatures(this.deps, ref, manifestDigest, signal),
      };
    } catch (error) {
      return this.failure(error, signal, `${ref.registry}/${ref.repository}@${manifestDigest}`);
    }
  }

  async sigstoreReferrers(ref: ImageRef, digest: string, signal: AbortSignal): Promise<SigstoreReferrerList> {
    const key = `${ref.registry}/${ref.repository}@${digest}`;
    try {
      const listed = await this.referrers.get(key, signal, async (shared) => {
        const found = await listSigstoreReferrers(this.deps, ref, digest, shared);
        return found.referrers;
      });
      return { kind: 'referrers', referrers: listed };
    } catch (error) {
      return this.failure(error, signal, `${key} referrers`);
    }
  }

  async sigstoreBundle(
    ref: ImageRef,
    digest: string,
    referrer: SigstoreReferrer,
    signal: AbortSignal,
  ): Promise<SigstoreBundleRead> {
    // The image digest is part of the key: the same referrer read for another subject says otherwise.
    const key = `${ref.registry}/${ref.repository}@${referrer.digest}>${digest}`;
    try {
      const bundle = await this.bundles.get(key, signal, (shared) =>
        readSigstoreBundle(this.deps, ref, digest, referrer, shared),
      );
      return { kind: 'bundle', bundle };
    } catch (error) {
      return this.failure(error, signal, key);
    }
  }

  /** Expected registry outcomes become values; anything else (a bug, an abort) is thrown on. */
  private failure(
    error: unknown,
    signal: AbortSignal,
    what: string,
  ): { kind: 'error'; code: RegistryFailure['code']; message: string } {
    if (!(error instanceof RegistryFailure) || signal.aborted) throw error;
    this.deps.logger.debug({ what, code: error.code, reason: error.message }, 'registry request failed');
    return { kind: 'error', code: error.code, message: error.message };
  }
}
