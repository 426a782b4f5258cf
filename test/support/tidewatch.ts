import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { loadSettings, type FlagValues } from '../../src/config/index.js';
import { silentLogger } from '../../src/log/index.js';
import { buildCycleDeps, type WiredDeps } from '../../src/wiring.js';
import { openStore, storeFile, type Store } from '../../src/store/index.js';

/**
 * Settings every test run gets unless it says otherwise: a 1 s stability window instead of 10 s,
 * since most tests verify nothing about verification (safe-updates.test.ts does, with its own).
 */
const TEST_DEFAULTS: NodeJS.ProcessEnv = {
  TIDEWATCH_VERIFY_WINDOW: '1s',
  // `run` serves the API: on a port of its own, as test files run daemons side by side.
  TIDEWATCH_HTTP_ADDR: '127.0.0.1:0',
};

/** Wires Tidewatch in-process against the lab engine, as main.ts does, with a silent logger. */
export async function tidewatchDeps(flags: FlagValues = {}, env: NodeJS.ProcessEnv = {}): Promise<WiredDeps> {
  const settings = loadSettings(flags, { DOCKER_HOST: process.env.DOCKER_HOST, ...TEST_DEFAULTS, ...env });
  return buildCycleDeps(settings, silentLogger());
}

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The CLI as it ships: the bundle bin/tidewatch.js runs (scripts/bundle.js). */
export const MAIN = fileURLToPath(new URL('../../dist/bundle/tidewatch.js', import.meta.url));

/** The environment a CLI run gets: only what it needs, so no setting leaks in from the shell. */
export function cliEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    DOCKER_HOST: process.env.DOCKER_HOST,
    TIDEWATCH_LOG_FORMAT: 'json',
    ...TEST_DEFAULTS,
    ...env,
  };
}

/**
 * Runs the built CLI (`npm test` builds first) as a user would, with a clean environment: only
 * PATH, HOME, DOCKER_HOST and what the test passes, so no setting leaks in from the shell.
 * Unless the test passes TIDEWATCH_DATA_DIR, each run gets a data dir of its own, removed after:
 * `run` and `once` lock their data dir, and test files run in parallel.
 */
export function runCli(
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
  timeoutMs = 90_000,
  /** Sends `signal` to the process once its log (stderr) contains `text`. */
  signalOn?: { readonly text: string; readonly signal: NodeJS.Signals },
): Promise<CliResult> {
  const ownDataDir =
    env.TIDEWATCH_DATA_DIR === undefined ? mkdtempSync(join(tmpdir(), 'tidewatch-cli-')) : undefined;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, ...args], {
      env: cliEnv({ ...(ownDataDir === undefined ? {} : { TIDEWATCH_DATA_DIR: ownDataDir }), ...env }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    let signalled = false;
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (signalOn && !signalled && stderr.includes(signalOn.text)) {
        signalled = true;
        child.kill(signalOn.signal);
      }
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (ownDataDir !== undefined) rmSync(ownDataDir, { recursive: true, force: true });
      resolve({ code, stdout, stderr });
    });
  });
}

/**
 * Asserts a CLI run's exit code; when it differs, the failure shows the end of the run's log, so a
 * failure in CI (where nothing else is kept) says why.
 */
export function expectExit(result: CliResult, code: number | null = 0): CliResult {
  expect(result.code, `exit ${result.code}; stderr ends:\n${result.stderr.slice(-4000)}`).toBe(code);
  return result;
}

/** Parsed JSON log lines of a CLI run. */
export function logLines(stderr: string): Array<Record<string, unknown>> {
  return stderr
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** A fresh store in a temp data dir, for in-process cycles that journal their updates. */
export function tempStore(): { store: Store; dir: string; close(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'tw-store-'));
  const store = openStore(storeFile(dir), { clock: Date.now });
  return {
    store,
    dir,
    close: () => {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
