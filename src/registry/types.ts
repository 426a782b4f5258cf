import type { HubRoutes } from './endpoints.js';
import type { ImageRef } from '../domain/image-ref.js';
import type { LocalImage, Platform } from '../domain/image.js';
import type { Sleep } from '../domain/clock.js';
import type { Logger } from '../log/index.js';
import type { RegistryLimit, RegistryWait } from './budget.js';
import type { RegistryErrorCode } from './failure.js';

/** What a registry accepts as a login. `identityToken` is an OAuth2 refresh token (docker login with SSO). */
export interface Credentials {
  readonly username?: string;
  readonly password?: string;
  readonly identityToken?: string;
}

/** Looks up credentials for a registry as the user names it (`docker.io`, `ghcr.io`, `host:5000`). */
export interface CredentialStore {
  get(registry: string, signal?: AbortSignal): Promise<Credentials | undefined>;
  /**
   * A registry refused what get returned: forget it if asking again could give something else (a
   * credential helper's answer), and say so; false when the same credentials would come back.
   */
  refresh?(registry: string): boolean;
}

export type { RegistryErrorCode } from './failure.js';

/** How every registry read below fails: a value with a code and a message, never a throw. */
export interface RegistryError {
  readonly kind: 'error';
  readonly code: RegistryErrorCode;
  readonly message: string;
}

/**
 * What the registry says about a local image. `remoteDigest` is the digest the tag points at now
 * (a manifest or an index digest): the thing to pull.
 */
export type Resolution =
  | { readonly kind: 'current'; readonly remoteDigest: string }
  | { readonly kind: 'update-available'; readonly remoteDigest: string }
  | {
      readonly kind: 'error';
      readonly code: RegistryErrorCode;
      readonly message: string;
      /** Set when the registry is rate limited: until when, and why (a 429, a spent quota, the budget). */
      readonly wait?: RegistryWait | undefined;
    };

export type RequestKind = 'ping' | 'token' | 'manifest' | 'tags' | 'blob';

export interface RequestInfo {
  readonly registry: string;
  readonly kind: RequestKind;
  /** HTTP status, or 0 when no response arrived (network error, timeout). */
  readonly status: number;
}

export interface RegistryClientOptions {
  credentials: CredentialStore;
  /** Hosts (`host`, any port) or `host:port` reached over plain http, besides loopback. */
  insecureRegistries?: readonly string[];
  /** Docker Hub's mirrors and, in tests, Hub's stand-in (endpoints.ts). */
  hub?: HubRoutes;
  /** Requests in flight at once across the whole client. Default 8. */
  concurrency?: number;
  fetch?: typeof fetch;
  logger: Logger;
  /**
   * The longest a request waits for its registry (a 429's Retry-After, a spent quota, the request
   * budget), retries included; a longer wait fails at once as `registry-rate-limited`. Default 60.
   */
  maxRetryAfterSeconds?: number;
  /** Per-registry concurrency and request-rate limits (`*` for the others). Default none. */
  limits?: readonly RegistryLimit[];
  /** How waits are waited; injected by tests with `now`. Default real timers. */
  sleep?: Sleep;
  /** Called once per HTTP response (each attempt), for metrics and tests. */
  onRequest?: (info: RequestInfo) => void;
  /** Milliseconds one HTTP attempt may take, body included. Default 30 000. */
  requestTimeoutMs?: number;
  /** Clock for token expiry and Retry-After dates (ms since the epoch). Default Date.now. */
  now?: () => number;
}

/** A repository's tags (tag policies), or why they could not be listed. */
export type TagListing = { readonly kind: 'tags'; readonly tags: readonly string[] } | RegistryError;

/** When an image was built (its config's `created`; undefined when it has none), for cooldowns. */
export type CreatedLookup =
  /** `labels`: the image's config labels and manifest annotations, for release links. */
  | {
      readonly kind: 'created';
      readonly at: number | undefined;
      readonly labels?: Readonly<Record<string, string>> | undefined;
    }
  | RegistryError;

/** The digest a tag points at now, as a fleet controller asks it: one request per reference. */
export type TagDigest = { readonly kind: 'digest'; readonly digest: string } | RegistryError;

/** A signature cosign stored: its payload's bytes and the base64 signature over them. */
export interface StoredSignature {
  readonly payload: Uint8Array;
  readonly signature: string;
}

/** Where image `digest`'s cosign signatures are: the digest of their manifest, or none at all. */
export type SignatureDigest =
  { readonly kind: 'none' } | { readonly kind: 'digest'; readonly digest: string } | RegistryError;

/** The signatures in a cosign signature manifest. */
export type SignatureRead =
  { readonly kind: 'signatures'; readonly signatures: readonly StoredSignature[] } | RegistryError;

/** One Sigstore bundle referrer of an image: the manifest holding the bundle, as listed. */
export interface SigstoreReferrer {
  readonly digest: string;
  readonly artifactType: string;
}

/** The Sigstore bundle referrers of an image (none is an empty list), or why they could not be listed. */
export type SigstoreReferrerList =
  { readonly kind: 'referrers'; readonly referrers: readonly SigstoreReferrer[] } | RegistryError;

/** A referrer's bundle JSON; undefined when its manifest turned out to hold no bundle of this image. */
export type SigstoreBundleRead =
  { readonly kind: 'bundle'; readonly bundle: Uint8Array | undefined } | RegistryError;

export interface RegistrySession {
  resolve(ref: ImageRef, local: LocalImage, signal: AbortSignal): Promise<Resolution>;
  /** What `ref`'s tag points at (one HEAD, shared with resolve within the session). */
  tagDigest(ref: ImageRef, signal: AbortSignal): Promise<TagDigest>;
  /** Every tag of `ref`'s repository (all pages), once per session. */
  listTags(ref: ImageRef, signal: AbortSignal): Promise<TagListing>;
  /**
   * The creation time and labels of image `digest` (for an index, `platform`'s entry), once per
   * session: a cooldown from `created` and the release links share the one config-blob fetch.
   */
  imageCreated(
    ref: ImageRef,
    digest: string,
    platform: Platform,
    signal: AbortSignal,
  ): Promise<CreatedLookup>;
  /** Where image `digest`'s cosign signatures are (one HEAD of its `.sig` tag), once per session. */
  signatureDigest(ref: ImageRef, digest: string, signal: AbortSignal): Promise<SignatureDigest>;
  /** The signatures in signature manifest `manifestDigest`: the manifest and each payload blob. */
  cosignSignatures(ref: ImageRef, manifestDigest: string, signal: AbortSignal): Promise<SignatureRead>;
  /** The Sigstore bundles attached to image `digest` (OCI referrers, or their tag), once per session. */
  sigstoreReferrers(ref: ImageRef, digest: string, signal: AbortSignal): Promise<SigstoreReferrerList>;
  /** The bundle in `referrer` of image `digest`: its manifest and bundle blob, once per session. */
  sigstoreBundle(
    ref: ImageRef,
    digest: string,
    referrer: SigstoreReferrer,
    signal: AbortSignal,
  ): Promise<SigstoreBundleRead>;
}
