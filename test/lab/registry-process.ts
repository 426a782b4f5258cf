import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, openSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { registryConfig, type RegistryOptions } from './registry-config.js';
import { freePort } from './ports.js';
import { followLogFile } from './registry-log.js';
import { waitForRegistry } from './registry-ready.js';

/** A running registry, however it runs (local binary or container). */
export interface RegistryBackend {
  host: string;
  /** Hands access log lines written so far to `onLine`, synchronously where the backend can. */
  drain(): void;
  stop(): Promise<void>;
}

const ATTEMPTS = 3;
const STDERR_TAIL = 20;

// Runs beside the registry and outlives a test process that dies without stop() (crash, timeout,
// SIGKILL from the runner): stdin reaches EOF when our end of the pipe closes, then it stops the
// registry and removes its directory, so nothing keeps running or filling /tmp.
const WATCHDOG = 'while read -r _; do :; done; kill -TERM "$0" 2>/dev/null; sleep 2; rm -rf "$1"';

function unrefPipe(stream: unknown): void {
  (stream as Socket | null)?.unref?.();
}

async function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  // The registry shuts down at once on SIGTERM; SIGKILL only if it hangs.
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

async function attempt(
  binary: string,
  dir: string,
  options: RegistryOptions,
  onLine: (line: string) => void,
): Promise<RegistryBackend> {
  const host = `127.0.0.1:${await freePort()}`;
  const configPath = join(dir, 'config.yml');
  const config = registryConfig(options, {
    addr: host,
    rootDirectory: join(dir, 'data'),
    htpasswdPath: join(dir, 'htpasswd'),
  });
  await writeFile(configPath, JSON.stringify(config, null, 2));

  // The access log goes to a file, not a pipe: requests() can then read it synchronously. The
  // registry writes a line before it flushes the response (the logging handler wraps the whole
  // request), so a client that has its answer always finds the request logged.
  const logPath = join(dir, 'access.log');
  const logFd = openSync(logPath, 'w');
  const log = followLogFile(logPath, onLine);
  const child = spawn(binary, ['serve', configPath], { stdio: ['ignore', logFd, 'pipe'] });
  closeSync(logFd); // the child has its own copy
  const stderr: string[] = [];
  let failure: string | undefined;
  child.on('error', (error) => (failure = error.message));
  // 'close' rather than 'exit': it comes after stderr is drained, so the tail holds the reason.
  child.on('close', (code, signal) => {
    failure ??= `exited with ${signal ?? code}: ${stderr.join('\n')}`;
  });
  // The registry's own JSON log, on stderr, is kept for error messages.
  if (child.stderr !== null) {
    createInterface({ input: child.stderr }).on('line', (line) => {
      stderr.push(line);
      if (stderr.length > STDERR_TAIL) stderr.shift();
    });
  }
  const watchdog = spawn('/bin/sh', ['-c', WATCHDOG, String(child.pid), dir], {
    stdio: ['pipe', 'ignore', 'ignore'],
    detached: true,
  });
  watchdog.on('error', () => undefined); // the registry still works without its watchdog
  // A test that forgets stop() must not keep its process alive: the watchdog cleans up instead.
  for (const handle of [child, watchdog]) handle.unref();
  for (const pipe of [child.stderr, watchdog.stdin]) unrefPipe(pipe);

  const stop = async (): Promise<void> => {
    watchdog.kill('SIGKILL');
    watchdog.stdin?.destroy();
    await terminate(child);
    log.close();
  };
  try {
    await waitForRegistry(`http://${host}`, () => failure);
  } catch (error) {
    await stop();
    throw error;
  }
  return { host, drain: () => log.drain(), stop };
}

/**
 * Starts `docker-registry serve` on a free loopback port. Another process may take the port
 * between the probe and the registry's bind, so a bind failure is retried on a new port.
 */
export async function startRegistryProcess(
  binary: string,
  dir: string,
  options: RegistryOptions,
  onLine: (line: string) => void,
): Promise<RegistryBackend> {
  let lastError: unknown;
  for (let i = 0; i < ATTEMPTS; i += 1) {
    try {
      return await attempt(binary, dir, options, onLine);
    } catch (error) {
      lastError = error;
      if (!String(error).includes('address already in use')) throw error;
    }
  }
  throw lastError;
}
