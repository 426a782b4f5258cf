import { access, constants, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { htpasswdLine } from './htpasswd.js';
import type { RegistryAuth } from './images.js';
import type { RegistryOptions } from './registry-config.js';
import { startRegistryContainer } from './registry-container.js';
import { isManifestRequest, parseAccessLine, type RegistryRequest } from './registry-log.js';
import { startRegistryProcess } from './registry-process.js';
import { INTERNAL_QUERY, isInternalPath } from './registry-ready.js';

export type { RegistryOptions } from './registry-config.js';
export type { RegistryRequest } from './registry-log.js';

export interface LabRegistry {
  /** `127.0.0.1:PORT`, the registry part of image refs. */
  host: string;
  /** `http://127.0.0.1:PORT`. */
  url: string;
  /** Credentials for an htpasswd registry, ready for pushImage/pullImage; undefined when open. */
  auth?: RegistryAuth;
  /** The htpasswd file the registry reads (it reloads it when it changes); undefined when open. */
  htpasswdFile?: string;
  /**
   * Every request answered so far (since the last reset), in log order; this includes the
   * lab's own helpers (oci.ts, pushes), so reset after setting up a test's images.
   */
  requests(): RegistryRequest[];
  /** Requests on `/v2/<repo>/manifests/...`: all repositories, or just `repo`. */
  manifestRequests(repo?: string): RegistryRequest[];
  resetRequests(): void;
  /**
   * Resolves once every request answered before the call is in requests(). With the registry
   * binary, requests() already reads the log synchronously and is exact as soon as a response has
   * arrived; flush() matters for the container fallback, whose log arrives as a stream.
   */
  flush(): Promise<void>;
  stop(): Promise<void>;
}

const FLUSH_TIMEOUT_MS = 5_000;

async function findRegistryBinary(): Promise<string | undefined> {
  const dirs = ['/usr/bin', ...(process.env.PATH ?? '').split(delimiter)];
  for (const dir of dirs) {
    const candidate = join(dir, 'docker-registry');
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // keep looking
    }
  }
  return undefined;
}

/**
 * A real distribution registry (v2.8) on a loopback port with its own storage directory. Each
 * call gets a fresh one, so test files never see each other's repositories or request counts.
 */
export async function startRegistry(options: RegistryOptions = {}): Promise<LabRegistry> {
  const dir = await mkdtemp(join(tmpdir(), 'tidewatch-lab-registry-'));
  const log: RegistryRequest[] = [];
  const internal = new Set<string>();
  const onLine = (line: string): void => {
    const request = parseAccessLine(line);
    if (request === undefined) return;
    if (isInternalPath(request.path)) internal.add(request.path);
    else log.push(request);
  };
  let backend;
  try {
    if (options.htpasswd !== undefined) {
      const { username, password } = options.htpasswd;
      await writeFile(join(dir, 'htpasswd'), `${await htpasswdLine(username, password)}\n`);
    }
    const binary = await findRegistryBinary();
    backend =
      binary !== undefined
        ? await startRegistryProcess(binary, dir, options, onLine)
        : await startRegistryContainer(dir, options, onLine);
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  const { host } = backend;
  const url = `http://${host}`;
  backend.drain();
  log.length = 0; // nothing before "ready" belongs to the test
  let flushes = 0;
  let stopped: Promise<void> | undefined;

  return {
    host,
    url,
    ...(options.htpasswd && { auth: { ...options.htpasswd, serveraddress: host } }),
    ...(options.htpasswd && { htpasswdFile: join(dir, 'htpasswd') }),
    requests: () => {
      backend.drain();
      return [...log];
    },
    manifestRequests: (repo) => {
      backend.drain();
      return log.filter((request) => isManifestRequest(request, repo));
    },
    resetRequests: () => {
      backend.drain(); // what is already logged belongs before the reset
      log.length = 0;
    },
    flush: async () => {
      flushes += 1;
      const path = `/v2/?${INTERNAL_QUERY}flush-${flushes}`;
      const response = await fetch(`${url}${path}`, { signal: AbortSignal.timeout(FLUSH_TIMEOUT_MS) });
      await response.arrayBuffer();
      const deadline = Date.now() + FLUSH_TIMEOUT_MS;
      for (backend.drain(); !internal.has(path); backend.drain()) {
        if (Date.now() > deadline) throw new Error(`registry ${host} did not log ${path}`);
        await sleep(5);
      }
    },
    stop: () => {
      stopped ??= backend.stop().finally(() => rm(dir, { recursive: true, force: true }));
      return stopped;
    },
  };
}
