import { copyImage } from './copy.js';
import { RegistryTransfer } from './transfer.js';
import type { ImageRef } from '../domain/index.js';
import { systemSleep } from '../domain/clock.js';
import { RegistryBudget } from './budget.js';
import { Endpoints } from './endpoints.js';
import { HttpTransport } from './http.js';
import { Session } from './session.js';
import { TokenCache } from './token-cache.js';
import type { RegistryClientOptions, RegistrySession } from './types.js';

const DEFAULT_CONCURRENCY = 8;
const DEFAULT_MAX_RETRY_AFTER_S = 60;
const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * The OCI distribution client. Long-lived: it owns the concurrency limit, the per-registry budgets
 * (so a pause a registry asked for outlasts the cycle that saw it) and the token cache. Each
 * check cycle takes a fresh `session()`, whose memo lives exactly as long as the cycle, so a tag
 * that moved between cycles is always seen.
 */
export class RegistryClient {
  private readonly transport: HttpTransport;
  private readonly endpoints: Endpoints;
  private readonly tokens: TokenCache;
  private readonly now: () => number;

  constructor(private readonly options: RegistryClientOptions) {
    this.now = options.now ?? Date.now;
    this.endpoints = new Endpoints(options.insecureRegistries, options.hub);
    this.tokens = new TokenCache(this.now);
    const maxRetryAfterSeconds = options.maxRetryAfterSeconds ?? DEFAULT_MAX_RETRY_AFTER_S;
    const budget = new RegistryBudget({
      limits: options.limits ?? [],
      maxWaitMs: maxRetryAfterSeconds * 1000,
      now: this.now,
      sleep: options.sleep ?? systemSleep,
      logger: options.logger,
    });
    this.transport = new HttpTransport({
      fetch: options.fetch ?? globalThis.fetch,
      concurrency: options.concurrency ?? DEFAULT_CONCURRENCY,
      maxRetryAfterSeconds,
      budget,
      timeoutMs: options.requestTimeoutMs ?? DEFAULT_TIMEOUT_MS,
      now: this.now,
      logger: options.logger,
      onRequest: options.onRequest,
    });
  }

  /** Copies `from@digest` to the tag `to` names (copy.ts): a fleet's promotion. */
  copyImage(from: ImageRef, digest: string, to: ImageRef, signal: AbortSignal): Promise<void> {
    return copyImage(
      { endpoints: this.endpoints, credentials: this.options.credentials, fetch: this.options.fetch },
      from,
      digest,
      to,
      signal,
    );
  }

  /** Raw transfers of manifests and blobs (offline bundles): `signal` ends every request. */
  transfer(signal: AbortSignal): RegistryTransfer {
    return new RegistryTransfer(
      { endpoints: this.endpoints, credentials: this.options.credentials, fetch: this.options.fetch },
      signal,
    );
  }

  session(): RegistrySession {
    return new Session({
      transport: this.transport,
      endpoints: this.endpoints,
      tokens: this.tokens,
      credentials: this.options.credentials,
      now: this.now,
      logger: this.options.logger,
    });
  }
}
