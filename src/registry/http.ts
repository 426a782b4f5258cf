import pLimit, { type LimitFunction } from 'p-limit';
import type { Logger } from '../log/index.js';
import type { RegistryBudget } from './budget.js';
import { RegistryFailure } from './failure.js';
import type { RequestInfo, RequestKind } from './types.js';

export { parseRetryAfter } from './budget-state.js';

export interface HttpRequest {
  readonly registry: string;
  readonly kind: RequestKind;
  readonly method: 'GET' | 'HEAD' | 'POST';
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  /** Names the request in messages: `127.0.0.1:5000/app:1 manifest`. Never holds a secret. */
  readonly what: string;
}

export interface HttpResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly body: Uint8Array;
}

export interface TransportOptions {
  readonly fetch: typeof fetch;
  readonly concurrency: number;
  readonly maxRetryAfterSeconds: number;
  readonly timeoutMs: number;
  readonly now: () => number;
  readonly logger: Logger;
  readonly onRequest: ((info: RequestInfo) => void) | undefined;
  /** Per-registry concurrency, request rate and the pauses registries ask for (429, spent quota). */
  readonly budget: RegistryBudget;
}

const MAX_429_RETRIES = 3;
// The distribution spec lets registries refuse manifests over 4 MiB; nothing we read is bigger.
const MAX_BODY_BYTES = 4 * 1024 * 1024;
const USER_AGENT = 'tidewatch';

/**
 * Every HTTP exchange of a client goes through here: the registry's budget (see budget.ts), one
 * concurrency limit for all registries, a timeout per attempt, bounded 429 retries, and network
 * trouble turned into `registry-unavailable`.
 */
export class HttpTransport {
  private readonly limit: LimitFunction;

  constructor(private readonly options: TransportOptions) {
    this.limit = pLimit(options.concurrency);
  }

  async send(request: HttpRequest, signal: AbortSignal): Promise<HttpResponse> {
    // All waiting for this request (pauses, the request rate) must end by then, retries included.
    const deadline = this.options.now() + this.options.maxRetryAfterSeconds * 1000;
    const { budget } = this.options;
    for (let attempt = 0; ; attempt++) {
      const permit = await budget.acquire(request.registry, request.what, deadline, signal);
      let response: HttpResponse;
      try {
        // The slot is held for one attempt only: waiting out a 429 must not starve other registries.
        response = await this.limit(() => this.attempt(request, signal));
      } catch (error) {
        permit.done();
        throw error;
      }
      // A 429 or a spent quota pauses the registry here, for every request to it, not just this one.
      permit.done(response);
      if (response.status !== 429) return response;
      if (attempt >= MAX_429_RETRIES) {
        throw budget.refusedAfterRetries(request.registry, request.what, MAX_429_RETRIES);
      }
      this.options.logger.debug(
        { registry: request.registry, kind: request.kind, attempt },
        'rate limited, waiting',
      );
    }
  }

  private async attempt(request: HttpRequest, signal: AbortSignal): Promise<HttpResponse> {
    signal.throwIfAborted();
    const timeout = AbortSignal.timeout(this.options.timeoutMs);
    const combined = AbortSignal.any([signal, timeout]);
    let status: number | undefined;
    try {
      const response = await this.options.fetch(request.url, {
        method: request.method,
        headers: { 'user-agent': USER_AGENT, ...request.headers },
        body: request.body,
        signal: combined,
      });
      status = response.status;
      this.report(request, status);
      const body = request.method === 'HEAD' ? new Uint8Array() : await readCapped(response, request.what);
      return { status, headers: response.headers, body };
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      if (error instanceof RegistryFailure) throw error;
      if (status === undefined) this.report(request, 0);
      const why = timeout.aborted ? `timed out after ${this.options.timeoutMs} ms` : networkCause(error);
      throw new RegistryFailure('registry-unavailable', `${request.what}: ${why}`, { cause: error });
    }
  }

  private report(request: HttpRequest, status: number): void {
    const info = { registry: request.registry, kind: request.kind, status };
    this.options.onRequest?.(info);
    for (const observer of observers) {
      try {
        observer(info);
      } catch {
        // A broken observer (metrics) never fails a registry request.
      }
    }
  }
}

const observers = new Set<(info: RequestInfo) => void>();

/**
 * Process-wide observers of every registry response, for the API's metrics: the API starts after
 * the registry client was built (see src/wiring.ts), so it cannot pass `onRequest` itself.
 * Returns the function that removes the observer.
 */
export function observeRegistryRequests(observer: (info: RequestInfo) => void): () => void {
  observers.add(observer);
  return () => observers.delete(observer);
}

async function readCapped(response: Response, what: string): Promise<Uint8Array> {
  if (response.body === null) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > MAX_BODY_BYTES) {
      await reader.cancel();
      throw new RegistryFailure(
        'registry-bad-response',
        `${what}: response body over ${MAX_BODY_BYTES} bytes`,
      );
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

// undici reports "fetch failed" and hides the useful part (ECONNREFUSED, ENOTFOUND, a TLS error) in `cause`.
function networkCause(error: unknown): string {
  const cause = error instanceof Error ? error.cause : undefined;
  if (cause instanceof Error) {
    const code = (cause as NodeJS.ErrnoException).code;
    const message = firstLine(cause.message);
    return code !== undefined && !message.includes(code) ? `${code}: ${message}` : message;
  }
  return error instanceof Error ? firstLine(error.message) : String(error);
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? text;
}
