import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import Docker from 'dockerode';

const SCRIPT = fileURLToPath(new URL('../../scripts/lab-engines.sh', import.meta.url));
const run = promisify(execFile);

/** An extra Docker engine of the lab (scripts/lab-engines.sh): a host of a fleet, on this machine. */
export interface ExtraEngine {
  readonly name: string;
  /** `unix:///run/twl/NAME/docker.sock`, as DOCKER_HOST takes it. */
  readonly host: string;
  readonly docker: Docker;
}

/**
 * Starts (or finds running) the extra engines `names`, each with its own data root and socket.
 * Test files that run at once use names of their own; stop them with stopEngines. A
 * `registryMirror` (`http://host:port`) is the engines' Docker Hub mirror (dockerd --registry-mirror).
 */
export async function startEngines(
  names: readonly string[],
  options: { readonly registryMirror?: string } = {},
): Promise<ExtraEngine[]> {
  const env = { ...process.env, LAB_ENGINE_REGISTRY_MIRROR: options.registryMirror ?? '' };
  const { stdout } = await run('bash', [SCRIPT, 'start', ...names], { timeout: 120_000, env });
  const hosts = stdout.split('\n').filter((line) => line !== '');
  return names.map((name, index) => {
    const host = hosts[index];
    if (host === undefined) throw new Error(`lab-engines.sh printed no host for ${name}: ${stdout}`);
    return { name, host, docker: new Docker({ socketPath: host.replace(/^unix:\/\//, '') }) };
  });
}

/** Stops the extra engines `names` and removes everything they had (data, sockets, bridges). */
export async function stopEngines(names: readonly string[]): Promise<void> {
  if (names.length === 0) return;
  await run('bash', [SCRIPT, 'stop', ...names], { timeout: 120_000 });
}
