import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { openSync, closeSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { TidewatchError } from '../domain/errors.js';

export interface DemoTidewatch {
  readonly url: string;
  stop(): Promise<void>;
}

const MAIN = fileURLToPath(new URL('../bundle/tidewatch.js', import.meta.url));
const READY_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 60_000;

/** Only what the engine connection needs from the caller's environment: no TIDEWATCH_* leaks in. */
function engineEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME };
  for (const key of ['DOCKER_HOST', 'DOCKER_TLS_VERIFY', 'DOCKER_CERT_PATH', 'DOCKER_CONFIG']) {
    if (process.env[key] !== undefined) env[key] = process.env[key];
  }
  return env;
}

/**
 * `tidewatch run` from this build, as a child in its own process group (a Ctrl-C in the terminal
 * reaches the demo alone, which then stops Tidewatch once, gracefully), logging to `logFile`.
 */
export async function startTidewatch(
  settings: Readonly<Record<string, string>>,
  logFile: string,
): Promise<DemoTidewatch> {
  const log = openSync(logFile, 'a');
  const child = spawn(process.execPath, [MAIN, 'run'], {
    env: { ...engineEnv(), ...settings },
    stdio: ['ignore', log, log],
    detached: true,
  });
  closeSync(log);
  // If the demo itself dies, do not leave Tidewatch running.
  const killOnExit = (): void => {
    child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);
  const addr = settings.TIDEWATCH_HTTP_ADDR ?? '127.0.0.1:8080';
  const url = `http://${addr}`;
  const stop = async (): Promise<void> => {
    process.off('exit', killOnExit);
    await terminate(child);
  };
  try {
    await waitForHealth(`${url}/healthz`, child, logFile);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, stop };
}

async function waitForHealth(url: string, child: ChildProcess, logFile: string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new TidewatchError(
        'demo-tidewatch-failed',
        `tidewatch exited with ${child.exitCode}; see ${logFile}`,
      );
    }
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
      await response.arrayBuffer();
      if (response.ok) return;
    } catch {
      // not serving yet
    }
    await sleep(200);
  }
  throw new TidewatchError('demo-tidewatch-failed', `tidewatch did not serve ${url} in time; see ${logFile}`);
}

/** SIGTERM undoes the update in flight and exits (within --shutdown-timeout); SIGKILL only if it hangs. */
async function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}
