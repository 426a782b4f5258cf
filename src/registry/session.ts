import type { ImageRef } from '../domain/image-ref.js';
import type { LocalImage, Platform } from '../domain/image.js';
import type { Logger } from '../log/index.js';
import { SessionAuth, type AuthDeps } from './auth.js';
import { RegistryRateLimited } from './budget.js';
import { decide, describeRef, type ManifestSource } from './decide.js';
import { RegistryFailure, statusFailure } from './failure.js';
import type { HttpResponse } from './http.js';
import {
  Digest,
  MANIFEST_ACCEPT,
  parseManifest,
  sha256Digest,
  type ParsedManifest,
} from './manifest-schemas.js';
import { Memo } from './memo.js';
import { MirrorRoute } from './mirror-route.js';
import { signatureTag } from './cosign-signatures.js';
import { RepositoryReader } from './repository-reader.js';
import { authorisedRequest } from './repository-request.js';
import type {
  CreatedLookup,
  RegistrySession,
  Resolution,
  SignatureDigest,
  SignatureRead,
  SigstoreBundleRead,
  SigstoreReferrer,
  SigstoreReferrerList,
  TagDigest,
  TagListing,
} from './types.js';

export interface SessionDeps extends AuthDeps {
  readonly logger: Logger;
}

interface ManifestRequest {
  readonly ref: ImageRef;
  readonly method: 'GET' | 'HEAD';
  readonly reference: string;
  readonly what: string;
}

/**
 * One check cycle. Requests are memoised by what they ask (tag digest by repository + tag, manifest
 * by repository + digest), so containers sharing a reference share one HEAD.
 */
export class Session implements RegistrySession {
  private readonly auth: SessionAuth;
  private readonly tagDigests = new Memo<string>();
  private readonly manifests = new Memo<ParsedManifest>();
  private readonly route: MirrorRoute;

  private repository: RepositoryReader | undefined;

  constructor(private readonly deps: SessionDeps) {
    this.auth = new SessionAuth(deps);
    this.route = new MirrorRoute(deps.endpoints, deps.logger);
  }

  listTags(ref: ImageRef, signal: AbortSignal): Promise<TagListing> {
    return this.reader().listTags(ref, signal);
  }

  imageCreated(
    ref: ImageRef,
    digest: string,
    platform: Platform,
    signal: AbortSignal,
  ): Promise<CreatedLookup> {
    return this.reader().imageCreated(ref, digest, platform, signal);
  }

  /**
   * The `.sig` tag is a tag like any other: asked as tagDigest asks (one HEAD, memoised, the GET
   * fallback for registries without HEAD); only a 404 means something else here, no signatures.
   */
  async signatureDigest(ref: ImageRef, digest: string, signal: AbortSignal): Promise<SignatureDigest> {
    const found = await this.tagDigest({ ...ref, tag: signatureTag(digest), digest: undefined }, signal);
    if (found.kind === 'digest') return found;
    return found.code === 'registry-not-found' ? { kind: 'none' } : found;
  }

  cosignSignatures(ref: ImageRef, manifestDigest: string, signal: AbortSignal): Promise<SignatureRead> {
    return this.reader().cosignSignatures(ref, manifestDigest, signal);
  }

  sigstoreReferrers(ref: ImageRef, digest: string, signal: AbortSignal): Promise<SigstoreReferrerList> {
    return this.reader().sigstoreReferrers(ref, digest, signal);
  }

  sigstoreBundle(
    ref: ImageRef,
    digest: string,
    referrer: SigstoreReferrer,
    signal: AbortSignal,
  ): Promise<SigstoreBundleRead> {
    return this.reader().sigstoreBundle(ref, digest, referrer, signal);
  }

  /** Tags, image configs and signatures (repository-reader.ts), sharing this session's auth and manifests. */
  private reader(): RepositoryReader {
    this.repository ??= new RepositoryReader(
      {
        transport: this.deps.transport,
        endpoints: this.deps.endpoints,
        auth: this.auth,
        logger: this.deps.logger,
      },
      (ref, digest, signal) =>
        this.manifests.get(manifestKey(ref, digest), signal, (shared) =>
          this.fetchManifest(ref, digest, shared),
        ),
    );
    return this.repository;
  }

  async resolve(ref: ImageRef, local: LocalImage, signal: AbortSignal): Promise<Resolution> {
    if (ref.tag === undefined) {
      // Pinned by digest: there is no tag that could move.
      return { kind: 'current', remoteDigest: ref.digest ?? '' };
    }
    const source: ManifestSource = {
      tagDigest: (s) =>
        this.tagDigests.get(describeRef(ref), s, (shared) => this.fetchTagDigest(ref, shared)),
      manifest: (digest, s) =>
        this.manifests.get(manifestKey(ref, digest), s, (shared) => this.fetchManifest(ref, digest, shared)),
    };
    try {
      const resolution = await decide(ref, local, source, signal);
      this.deps.logger.debug({ image: describeRef(ref), ...resolution }, 'resolved');
      return resolution;
    } catch (error) {
      if (!(error instanceof RegistryFailure) || signal.aborted) throw error;
      this.deps.logger.debug(
        { image: describeRef(ref), code: error.code, reason: error.message },
        'resolve failed',
      );
      const wait = error instanceof RegistryRateLimited ? { wait: error.wait } : {};
      return { kind: 'error', code: error.code, message: error.message, ...wait };
    }
  }

  async tagDigest(ref: ImageRef, signal: AbortSignal): Promise<TagDigest> {
    try {
      const digest = await this.tagDigests.get(describeRef(ref), signal, (shared) =>
        this.fetchTagDigest(ref, shared),
      );
      return { kind: 'digest', digest };
    } catch (error) {
      if (!(error instanceof RegistryFailure) || signal.aborted) throw error;
      return { kind: 'error', code: error.code, message: error.message };
    }
  }

  /** A tag's digest, from Hub's mirrors first where it has some (mirror-route.ts). */
  private fetchTagDigest(ref: ImageRef, signal: AbortSignal): Promise<string> {
    return this.route.first(ref, signal, (source) => this.tagDigestFrom(source, ref, signal));
  }

  /** Asks `source` (`ref` itself, or `ref` on a mirror) for the digest of `ref`'s tag. */
  private async tagDigestFrom(source: ImageRef, ref: ImageRef, signal: AbortSignal): Promise<string> {
    const what = `${describeRef(source)} manifest`;
    const tag = source.tag ?? '';
    const head = await this.send({ ref: source, method: 'HEAD', reference: tag, what }, signal);
    const header = Digest.safeParse(head.headers.get('docker-content-digest'));
    if (head.status === 200 && header.success) return header.data;
    // 405: some registries do not answer HEAD; a 200 without a digest header leaves only the body.
    if (head.status !== 200 && head.status !== 405) throw statusFailure(head.status, what);
    const get = await this.send({ ref: source, method: 'GET', reference: tag, what }, signal);
    if (get.status !== 200) throw statusFailure(get.status, what);
    const digest = sha256Digest(get.body);
    try {
      this.manifests.seed(
        manifestKey(ref, digest),
        parseManifest(get.body, get.headers.get('content-type'), what),
      );
    } catch {
      // Left for the by-digest fetch to report with its own context.
    }
    return digest;
  }

  private fetchManifest(ref: ImageRef, digest: string, signal: AbortSignal): Promise<ParsedManifest> {
    return this.route.first(ref, signal, (source) => this.manifestFrom(source, digest, signal));
  }

  private async manifestFrom(source: ImageRef, digest: string, signal: AbortSignal): Promise<ParsedManifest> {
    const what = `${source.registry}/${source.repository}@${digest} manifest`;
    const response = await this.send({ ref: source, method: 'GET', reference: digest, what }, signal);
    if (response.status !== 200) throw statusFailure(response.status, what);
    // Content addressing is the whole point of a digest: a body that does not hash to it is not it.
    if (digest.startsWith('sha256:') && sha256Digest(response.body) !== digest) {
      throw new RegistryFailure('registry-bad-response', `${what}: body does not match its digest`);
    }
    return parseManifest(response.body, response.headers.get('content-type'), what);
  }

  /** An authorised manifest request (see authorisedRequest). */
  private send(request: ManifestRequest, signal: AbortSignal): Promise<HttpResponse> {
    const { ref } = request;
    const url = `${this.deps.endpoints.baseUrl(ref.registry)}/v2/${ref.repository}/manifests/${request.reference}`;
    return authorisedRequest(
      { transport: this.deps.transport, endpoints: this.deps.endpoints, auth: this.auth },
      ref,
      { url, kind: 'manifest', method: request.method, what: request.what, accept: MANIFEST_ACCEPT },
      signal,
    );
  }
}

function manifestKey(ref: ImageRef, digest: string): string {
  return `${ref.registry}/${ref.repository}@${digest}`;
}
