import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { loadSettings, type FlagValues } from '../../src/config/index.js';
import { connectEngine, resolveConnection } from '../../src/engine/index.js';
import { silentLogger } from '../../src/log/index.js';
import { RegistryClient, createCredentialStore } from '../../src/registry/index.js';
import type { CycleDeps } from '../../src/updater/index.js';

/** Wires Tidewatch in-process against the lab engine, as main.ts does, with a silent logger. */
export async function tidewatchDeps(flags: FlagValues = {}, env: NodeJS.ProcessEnv = {}): Promise<CycleDeps> {
  const settings = loadSettings(flags, { DOCKER_HOST: process.env.DOCKER_HOST, ...env });
  const logger = silentLogger();
  const engine = await connectEngine(resolveConnection(settings));
  const credentials = createCredentialStore({
    logger,
    ...(settings.dockerConfig !== undefined ? { dockerConfigDir: settings.dockerConfig } : {}),
    ...(settings.repoUser !== undefined ? { repoUser: settings.repoUser, repoPass: settings.repoPass } : {}),
  });
  const registry = new RegistryClient({
    credentials,
    insecureRegistries: settings.insecureRegistries,
    logger,
  });
  return { engine, registry, credentials, logger, settings };
}

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

const MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

/**
 * Runs the built CLI (`npm test` builds first) as a user would, with a clean environment: only
 * PATH, HOME, DOCKER_HOST and what the test passes, so no setting leaks in from the shell.
 */
export function runCli(
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
  timeoutMs = 90_000,
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, ...args], {
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        DOCKER_HOST: process.env.DOCKER_HOST,
        TIDEWATCH_LOG_FORMAT: 'json',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Parsed JSON log lines of a CLI run. */
export function logLines(stderr: string): Array<Record<string, unknown>> {
  return stderr
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}
