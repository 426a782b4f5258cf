import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { access, constants, writeFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { TidewatchError } from '../domain/errors.js';
import { freePort } from './ports.js';

export interface DemoRegistry {
  /** `127.0.0.1:PORT`: the registry part of the demo's image references. */
  readonly host: string;
  readonly pid: number;
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 20_000;

async function findBinary(): Promise<string> {
  for (const dir of ['/usr/bin', ...(process.env.PATH ?? '').split(delimiter)]) {
    const candidate = join(dir, 'docker-registry');
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // keep looking
    }
  }
  throw new TidewatchError(
    'demo-no-registry',
    'docker-registry not found: install it (Debian: apt-get install docker-registry, or run scripts/lab.sh as root)',
  );
}

/**
 * The distribution registry (Debian's `docker-registry`) on a free loopback port, storing in `dir`.
 * Loopback registries are spoken to over plain HTTP by the engine and by Tidewatch alike.
 * Reference: https://distribution.github.io/distribution/about/configuration/
 */
export async function startRegistry(dir: string): Promise<DemoRegistry> {
  const binary = await findBinary();
  const host = `127.0.0.1:${await freePort()}`;
  const config = join(dir, 'registry.yml');
  // YAML is a superset of JSON: no YAML writer needed.
  await writeFile(
    config,
    JSON.stringify({
      version: '0.1',
      log: { level: 'error', accesslog: { disabled: true } },
      storage: { filesystem: { rootdirectory: join(dir, 'registry') }, delete: { enabled: true } },
      http: { addr: host },
    }),
  );
  // Its own process group: a Ctrl-C reaches the demo alone, which stops the registry last.
  const child = spawn(binary, ['serve', config], { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  const killOnExit = (): void => {
    child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
  let exited = false;
  child.on('exit', () => (exited = true));
  const stop = (): Promise<void> => {
    process.off('exit', killOnExit);
    return terminate(child);
  };
  try {
    await waitUntilReady(`http://${host}/v2/`, () => exited, stderr);
  } catch (error) {
    await stop();
    throw error;
  }
  return { host, pid: child.pid ?? -1, stop };
}

async function waitUntilReady(url: string, exited: () => boolean, stderr: string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (exited())
      throw new TidewatchError('demo-registry-failed', `docker-registry exited: ${stderr.trim()}`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
      await response.arrayBuffer();
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new TidewatchError('demo-registry-failed', `docker-registry did not answer ${url} in time`);
}

async function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}
