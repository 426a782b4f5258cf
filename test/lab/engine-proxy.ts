import { mkdtemp, rm } from 'node:fs/promises';
import {
  createServer,
  request as httpRequest,
  type ClientRequest,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { engineAddress } from './engine.js';

// The lab's engine (TIDEWATCH_LAB_ENGINE / DOCKER_HOST), so the fault suite cuts Podman too.
const ENGINE_SOCKET = engineAddress().replace(/^unix:\/\//, '');
const MUTATING = new Set(['POST', 'PUT', 'DELETE']);

/** A mutating request (POST, PUT, DELETE) as the proxy saw it, path without the `/v1.xx` prefix. */
export interface MutatingRequest {
  readonly method: string;
  readonly path: string;
  /** Epoch ms of its arrival. */
  readonly at: number;
  /** Never reached the client whole: cut before forwarding, cut after the engine did it, or in the outage. */
  readonly cut: boolean;
  /** Answered 500 by failMatching, never forwarded. */
  readonly failed: boolean;
}

export interface EngineProxy {
  /** The proxy's own unix socket. */
  readonly socketPath: string;
  /** `unix://<socketPath>`, for DOCKER_HOST. */
  readonly dockerHost: string;
  /**
   * From the k-th mutating request (1-based) on, the engine is unreachable. 'before': that request
   * is never forwarded and its connection is destroyed; 'after': it is forwarded, and its connection
   * is destroyed as soon as the engine's response starts (the engine did it, the client never
   * learns; the rest of the engine's answer is read and dropped, so a pull still completes). From
   * the k-th on, every other connection is destroyed and every later request's connection is
   * destroyed at once (an outage) until restore().
   */
  cutAt(k: number, when: 'before' | 'after'): void;
  /**
   * Answers 500 with a Docker-style JSON error `{message}` to the next `times` requests whose
   * `METHOD /path?query` (without the version prefix) matches, without forwarding; others pass.
   */
  failMatching(pattern: RegExp, times: number): void;
  /** Back to passing everything; the log and the count of mutating requests are kept. */
  restore(): void;
  /** Every mutating request seen, in order. */
  mutating(): MutatingRequest[];
  /** Whether the cut point was reached (and the outage began). */
  down(): boolean;
  /**
   * Makes the engine announce `version` (the `Api-Version` header of every answer, which a client
   * reads from `/_ping`) instead of its own: an older engine, for the client's negotiation.
   */
  announceApiVersion(version: string): void;
  /** The API version prefixes (`1.40`) of every request seen; unversioned ones (`/_ping`) are not listed. */
  versionsUsed(): string[];
  /** Clears the log, the count of mutating requests and the versions used. */
  reset(): void;
  stop(): Promise<void>;
}

/** `/v1.41/containers/json?all=1` → `/containers/json?all=1`. */
export function withoutVersion(url: string): string {
  const stripped = url.replace(/^\/v\d+(\.\d+)?(?=\/)/, '');
  return stripped === '' ? '/' : stripped;
}

interface Cut {
  readonly k: number;
  readonly when: 'before' | 'after';
}

/** The raw head of a request, for passing an upgrade (exec/attach hijack) on byte for byte. */
function rawHead(req: IncomingMessage): string {
  const lines = [`${req.method ?? 'GET'} ${req.url ?? '/'} HTTP/${req.httpVersion}`];
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
  }
  return `${lines.join('\r\n')}\r\n\r\n`;
}

/**
 * A loopback proxy in front of the real engine socket that cuts the connection at a chosen
 * mutating request, for the fault suite (test/faults): the CLI under test gets
 * `DOCKER_HOST=proxy.dockerHost`. Responses stream through as they come (pull progress, events,
 * logs), and upgraded connections (exec and attach hijack) are passed on byte for byte.
 */
export async function startEngineProxy(engineSocket = ENGINE_SOCKET): Promise<EngineProxy> {
  const dir = await mkdtemp(join(tmpdir(), 'tw-engine-proxy-'));
  const socketPath = join(dir, 'engine.sock');
  let log: MutatingRequest[] = [];
  let count = 0;
  let cut: Cut | undefined;
  let outage = false;
  let failing: { pattern: RegExp; left: number } | undefined;
  let announced: string | undefined;
  const versions = new Set<string>();
  /** Client connections, and what each forwards to the engine, so an outage or stop() can end them. */
  const clients = new Set<Socket>();
  const upstreams = new Set<ClientRequest | Socket>();

  const startOutage = (keep?: Duplex): void => {
    outage = true;
    for (const socket of clients) if (socket !== keep) socket.destroy();
    for (const upstream of upstreams) upstream.destroy();
    upstreams.clear();
  };

  /** Decides the fate of a request: pass it, cut it before or after, or answer it with a fault. */
  const admit = (req: IncomingMessage, socket: Duplex): 'pass' | 'drop' | 'after' | 'fail' => {
    const method = req.method ?? 'GET';
    const path = withoutVersion(req.url ?? '/');
    const version = /^\/v(\d+\.\d+)\//.exec(req.url ?? '')?.[1];
    if (version !== undefined) versions.add(version);
    const isMutating = MUTATING.has(method);
    let fate: 'pass' | 'drop' | 'after' | 'fail' = 'pass';
    if (isMutating) count += 1;
    if (outage) fate = 'drop';
    else if (isMutating && cut !== undefined && count >= cut.k) {
      fate = cut.when === 'before' ? 'drop' : 'after';
      startOutage(fate === 'after' ? socket : undefined);
    } else if (failing !== undefined && failing.left > 0 && failing.pattern.test(`${method} ${path}`)) {
      failing.left -= 1;
      fate = 'fail';
    }
    if (isMutating)
      log.push({
        method,
        path,
        at: Date.now(),
        cut: fate === 'drop' || fate === 'after',
        failed: fate === 'fail',
      });
    return fate;
  };

  const forward = (req: IncomingMessage, res: ServerResponse, fate: 'pass' | 'after'): void => {
    const upstream = httpRequest({
      socketPath: engineSocket,
      method: req.method,
      path: req.url,
      headers: req.headers,
    });
    upstreams.add(upstream);
    upstream.on('close', () => upstreams.delete(upstream));
    upstream.on('response', (up) => {
      if (fate === 'after') {
        // The engine did it; the client never learns. Its answer is read to the end and dropped,
        // so what it streams (a pull) completes in the engine as if the client were still there.
        req.socket.destroy();
        up.resume();
        return;
      }
      const headers = announced === undefined ? up.headers : { ...up.headers, 'api-version': announced };
      res.writeHead(up.statusCode ?? 502, up.statusMessage, headers);
      res.flushHeaders(); // an events stream sends headers, then nothing until something happens
      up.pipe(res);
      up.on('error', () => res.destroy());
    });
    upstream.on('error', (error) => {
      if (fate === 'after') return;
      if (!res.headersSent) {
        res.writeHead(502, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ message: `engine proxy: ${error.message}` }));
      } else res.destroy(error);
    });
    // A client that gives up must not leave its request running in the engine, unless the request
    // is the 'after' cut, whose whole point is that the engine finishes it.
    res.on('close', () => {
      if (fate !== 'after' && !res.writableFinished) upstream.destroy();
    });
    req.pipe(upstream);
  };

  const server = createServer((req, res) => {
    const fate = admit(req, req.socket);
    switch (fate) {
      case 'drop':
        req.socket.destroy();
        return;
      case 'fail': {
        req.resume();
        const body = JSON.stringify({ message: 'engine proxy: injected fault' });
        res.writeHead(500, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
        res.end(body);
        return;
      }
      case 'pass':
      case 'after':
        forward(req, res, fate);
        return;
    }
  });

  // exec start and attach hijack the connection (HTTP upgrade): pass it on byte for byte.
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const fate = admit(req, socket);
    if (fate === 'drop') {
      socket.destroy();
      return;
    }
    if (fate === 'fail') {
      const body = JSON.stringify({ message: 'engine proxy: injected fault' });
      socket.end(
        `HTTP/1.1 500 Internal Server Error\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
      return;
    }
    const engine = connect(engineSocket);
    upstreams.add(engine);
    engine.on('close', () => {
      upstreams.delete(engine);
      socket.destroy();
    });
    engine.on('error', () => socket.destroy());
    socket.on('error', () => engine.destroy());
    socket.on('close', () => {
      if (fate !== 'after') engine.destroy();
    });
    engine.write(rawHead(req));
    if (head.length > 0) engine.write(head);
    if (fate === 'after') {
      engine.once('data', () => {
        socket.destroy();
      });
      engine.resume();
      socket.resume(); // anything the client still sends goes nowhere
      return;
    }
    engine.pipe(socket);
    socket.pipe(engine);
  });

  // Every connection is tracked so the outage can end idle keep-alive ones at once (a client must
  // learn the engine is gone, not hang); a request arriving in the outage is logged, then dropped.
  server.on('connection', (socket: Socket) => {
    clients.add(socket);
    socket.on('close', () => clients.delete(socket));
    socket.on('error', () => socket.destroy());
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.unref(); // a forgotten stop() must not keep the test process alive

  let stopped: Promise<void> | undefined;
  return {
    socketPath,
    dockerHost: `unix://${socketPath}`,
    cutAt: (k, when) => {
      if (!Number.isInteger(k) || k < 1) throw new Error(`cutAt: k must be a positive integer, got ${k}`);
      cut = { k, when };
      if (count >= k) startOutage();
    },
    failMatching: (pattern, times) => {
      failing = { pattern, left: times };
    },
    restore: () => {
      cut = undefined;
      outage = false;
      failing = undefined;
    },
    mutating: () => log.map((entry) => ({ ...entry })),
    announceApiVersion: (version) => {
      announced = version;
    },
    versionsUsed: () => [...versions].sort(),
    down: () => outage,
    reset: () => {
      log = [];
      count = 0;
      versions.clear();
    },
    stop: () => {
      stopped ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of clients) socket.destroy();
        for (const upstream of upstreams) upstream.destroy();
      }).finally(() => rm(dir, { recursive: true, force: true }));
      return stopped;
    },
  };
}
