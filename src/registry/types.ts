import type { ImageRef } from '../domain/image-ref.js';
import type { LocalImage } from '../domain/image.js';
import type { Logger } from '../log/index.js';

/** What a registry accepts as a login. `identityToken` is an OAuth2 refresh token (docker login with SSO). */
export interface Credentials {
  readonly username?: string;
  readonly password?: string;
  readonly identityToken?: string;
}

/** Looks up credentials for a registry as the user names it (`docker.io`, `ghcr.io`, `host:5000`). */
export interface CredentialStore {
  get(registry: string, signal?: AbortSignal): Promise<Credentials | undefined>;
}

export type RegistryErrorCode =
  | 'registry-unauthorized'
  | 'registry-not-found'
  | 'registry-unavailable'
  | 'registry-rate-limited'
  | 'registry-bad-response';

/**
 * What the registry says about a local image. `remoteDigest` is the digest the tag points at now
 * (a manifest or an index digest): the thing to pull.
 */
export type Resolution =
  | { readonly kind: 'current'; readonly remoteDigest: string }
  | { readonly kind: 'update-available'; readonly remoteDigest: string }
  | { readonly kind: 'error'; readonly code: RegistryErrorCode; readonly message: string };

export type RequestKind = 'ping' | 'token' | 'manifest' | 'tags';

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
  /** Requests in flight at once across the whole client. Default 8. */
  concurrency?: number;
  fetch?: typeof fetch;
  logger: Logger;
  /** A 429 asking to wait longer than this fails at once as `registry-rate-limited`. Default 60. */
  maxRetryAfterSeconds?: number;
  /** Called once per HTTP response (each attempt), for metrics and tests. */
  onRequest?: (info: RequestInfo) => void;
  /** Milliseconds one HTTP attempt may take, body included. Default 30 000. */
  requestTimeoutMs?: number;
  /** Clock for token expiry and Retry-After dates (ms since the epoch). Default Date.now. */
  now?: () => number;
}

export interface RegistrySession {
  resolve(ref: ImageRef, local: LocalImage, signal: AbortSignal): Promise<Resolution>;
}
