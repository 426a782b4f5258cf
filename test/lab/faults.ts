import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LabRegistry, RegistryRequest } from './registry.js';

/**
 * - pass: forward to the registry unchanged
 * - error500: 500 with a registry-style error body
 * - unauthorized: 401 with a Basic challenge the lab registry would not accept
 * - garbage: 200 with a body that is not JSON and a malformed Docker-Content-Digest
 * - rateLimited: 429 TOOMANYREQUESTS with Retry-After, as Docker Hub answers
 * - hang: never answer (until stop()), for timeout and AbortSignal tests
 * - stall: forward to the registry, pass on its answer's headers and the first part of its body,
 *   then send nothing more and hold the connection open (until stop()): a download that stalls
 *   halfway, which no status code or connection error announces
 */
export type FaultMode = 'pass' | 'error500' | 'unauthorized' | 'garbage' | 'rateLimited' | 'hang' | 'stall';

/** Narrows and tunes a mode; every field is optional and a new setMode() replaces them all. */
export interface FaultOptions {
  /** Only requests whose path (with query) matches get the fault; the others pass. */
  readonly paths?: RegExp;
  /** Only the next N matching requests get the fault; later ones pass. */
  readonly times?: number;
  /** The Retry-After of rateLimited answers (default `1`); null sends none. */
  readonly retryAfter?: string | null;
  /** Headers added to every answer, forwarded or not, e.g. Docker Hub's `ratelimit-remaining`. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Holds each request this long before handling it, so overlapping requests show in maxInFlight(). */
  readonly delayMs?: number;
  /**
   * stall: how many bytes of the body to pass on before stalling (default 1). Never the whole body:
   * at most all but the last byte of the registry's first chunk.
   */
  readonly stallAfterBytes?: number;
}

/** A request as the proxy saw it, with when it arrived (epoch ms). */
export interface ProxyRequest extends RegistryRequest {
  readonly at: number;
}

export interface FaultProxy {
  /** `127.0.0.1:PORT`: use it in place of the registry's host. */
  host: string;
  setMode(mode: FaultMode, options?: FaultOptions): void;
  /** Every request the proxy answered (or is holding, in hang mode with status 0), in order. */
  requests(): ProxyRequest[];
  /** The most requests the proxy held open at once since the start or the last resetRequests(). */
  maxInFlight(): number;
  resetRequests(): void;
  stop(): Promise<void>;
}

// Claims to be a manifest so clients try, and fail, to parse it.
const MANIFEST_GARBAGE_TYPE = 'application/vnd.docker.distribution.manifest.v2+json';

function errorBody(code: string, message: string): string {
  // The registry error format: https://distribution.github.io/distribution/spec/api/#errors
  return JSON.stringify({ errors: [{ code, message, detail: null }] });
}

function answer(res: ServerResponse, status: number, headers: Record<string, string>, body: string): void {
  res.writeHead(status, {
    'Docker-Distribution-Api-Version': 'registry/2.0',
    'Content-Length': String(Buffer.byteLength(body)),
    ...headers,
  });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

function forward(
  target: LabRegistry,
  req: IncomingMessage,
  res: ServerResponse,
  record: (status: number) => void,
  extra: Readonly<Record<string, string>> = {},
  stallAfterBytes?: number,
): void {
  const [hostname = '127.0.0.1', port = '80'] = target.host.split(':');
  // The Host header is kept, so upload Location URLs the registry builds point back at the proxy.
  const upstream = httpRequest(
    { hostname, port, method: req.method, path: req.url, headers: req.headers },
    (up) => {
      record(up.statusCode ?? 0);
      res.writeHead(up.statusCode ?? 502, { ...up.headers, ...extra });
      if (stallAfterBytes === undefined) return up.pipe(res);
      // Stall: the first bytes, then nothing. The registry's answer is left paused, not closed, so
      // no error reaches the client; both connections go when the client does, or at stop().
      up.once('data', (chunk: Buffer) => {
        up.pause();
        res.write(chunk.subarray(0, Math.max(1, Math.min(stallAfterBytes, chunk.length - 1))));
      });
    },
  );
  upstream.on('error', (error) => {
    record(502);
    if (!res.headersSent)
      answer(res, 502, { 'Content-Type': 'application/json' }, errorBody('UNKNOWN', error.message));
    else res.destroy(error);
  });
  // A client that gives up (timeout, abort) must not leave the upstream request running.
  res.on('close', () => {
    if (!res.writableFinished) upstream.destroy();
  });
  req.pipe(upstream);
}

function fault(
  mode: Exclude<FaultMode, 'pass' | 'hang' | 'stall'>,
  res: ServerResponse,
  options: FaultOptions = {},
): number {
  const json = { 'Content-Type': 'application/json; charset=utf-8', ...options.headers };
  switch (mode) {
    case 'error500':
      answer(res, 500, json, errorBody('UNKNOWN', 'lab fault: internal server error'));
      return 500;
    case 'unauthorized':
      answer(
        res,
        401,
        { ...json, 'WWW-Authenticate': 'Basic realm="tidewatch-lab-fault"' },
        errorBody('UNAUTHORIZED', 'authentication required'),
      );
      return 401;
    case 'garbage':
      answer(
        res,
        200,
        { 'Content-Type': MANIFEST_GARBAGE_TYPE, 'Docker-Content-Digest': 'sha256:not-a-digest' },
        '<html>\u0000this is not a manifest{{{',
      );
      return 200;
    case 'rateLimited':
      answer(
        res,
        429,
        options.retryAfter === null ? json : { ...json, 'Retry-After': options.retryAfter ?? '1' },
        errorBody('TOOMANYREQUESTS', 'lab fault: rate limited'),
      );
      return 429;
  }
}

/**
 * A loopback HTTP proxy in front of a lab registry that answers with faults on demand. It records
 * requests itself, before answering, so requests() is exact right after a response arrives.
 */
export async function startFaultProxy(target: LabRegistry): Promise<FaultProxy> {
  let mode: FaultMode = 'pass';
  let options: FaultOptions = {};
  let faultsLeft = Infinity;
  let log: ProxyRequest[] = [];
  let inFlight = 0;
  let peak = 0;
  const handle = (req: IncomingMessage, res: ServerResponse, entry: { status: number }): void => {
    const record = (status: number): void => {
      entry.status = status;
    };
    const matches = options.paths === undefined || options.paths.test(req.url ?? '/');
    if (mode === 'pass' || !matches || faultsLeft <= 0) {
      return forward(target, req, res, record, options.headers);
    }
    faultsLeft--;
    if (mode === 'stall')
      return forward(target, req, res, record, options.headers, options.stallAfterBytes ?? 1);
    req.resume(); // drain any upload body; the fault answers without it
    if (mode === 'hang') return;
    record(fault(mode, res, options));
  };
  const server = createServer((req, res) => {
    const entry: ProxyRequest = {
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      status: 0,
      userAgent: req.headers['user-agent'] ?? '',
      at: Date.now(),
    };
    log.push(entry);
    inFlight++;
    peak = Math.max(peak, inFlight);
    // Out once the answer is handed to the socket ('finish'), or the connection went ('close').
    let open = true;
    const done = (): void => {
      if (open) inFlight--;
      open = false;
    };
    res.on('finish', done);
    res.on('close', done);
    const delayMs = options.delayMs ?? 0;
    if (delayMs <= 0) return handle(req, res, entry);
    setTimeout(() => {
      if (!res.destroyed) handle(req, res, entry);
    }, delayMs);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  server.unref(); // a forgotten stop() must not keep the test process alive
  const { port } = server.address() as AddressInfo;
  let stopped: Promise<void> | undefined;
  return {
    host: `127.0.0.1:${port}`,
    setMode: (next, nextOptions = {}) => {
      mode = next;
      options = nextOptions;
      faultsLeft = nextOptions.times ?? Infinity;
    },
    requests: () => log.map((entry) => ({ ...entry })),
    maxInFlight: () => peak,
    resetRequests: () => {
      log = [];
      peak = inFlight;
    },
    stop: () => {
      stopped ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections(); // includes requests held in hang mode
      });
      return stopped;
    },
  };
}
