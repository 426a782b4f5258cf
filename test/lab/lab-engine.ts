/** Where scripts/lab-podman.sh serves Podman's Docker-compatible API. */
export const PODMAN_HOST = 'unix:///run/tidewatch-podman.sock';

const HOSTS: Readonly<Record<string, string | undefined>> = {
  // The default: DOCKER_HOST as the shell has it, else /var/run/docker.sock (engine.ts).
  docker: undefined,
  podman: PODMAN_HOST,
};

/**
 * The DOCKER_HOST for TIDEWATCH_LAB_ENGINE (a parameter of the lab, not a copy of the tests):
 * undefined for the default engine. An unknown name fails the run at once rather than quietly
 * testing Docker instead.
 */
export function labEngineHost(engine: string | undefined): string | undefined {
  if (engine === undefined || engine === '') return undefined;
  if (!Object.hasOwn(HOSTS, engine)) {
    throw new Error(
      `TIDEWATCH_LAB_ENGINE=${engine} is not a lab engine (one of: ${Object.keys(HOSTS).join(', ')})`,
    );
  }
  return HOSTS[engine];
}

/** Whether the lab runs against Podman, for the few assertions where its API answers differently. */
export function labIsPodman(): boolean {
  return process.env.TIDEWATCH_LAB_ENGINE === 'podman';
}

/**
 * Runs `action`; on Podman, when it fails with "image not known", runs `restore` and tries again
 * (five tries in all). Podman keeps one list of names per image, and test files and fault cases
 * that load, tag, pull or remove images at the same moments lose names to each other, or fail a
 * listing that meets an image removed meanwhile. `restore` names the image again, or waits.
 * Docker never loses a name so: there the first failure is the answer.
 */
export async function retryingLostImageName<T>(
  action: () => Promise<T>,
  restore: () => Promise<unknown>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await action();
    } catch (error) {
      if (!labIsPodman() || attempt >= 5 || !String(error).includes('image not known')) throw error;
      await restore();
    }
  }
}
