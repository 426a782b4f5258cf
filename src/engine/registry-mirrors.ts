import type Docker from 'dockerode';

/**
 * The engine's Docker Hub mirrors (`registry-mirrors` in daemon.json, `--registry-mirror`), as
 * `docker info` reports them, each as its origin (`http://mirror:5000`). The engine pulls Hub
 * images from these first, so checks must ask them first too. An engine that does not say (an
 * old API, Podman, an error) has none as far as Tidewatch can tell: [].
 */
export async function engineRegistryMirrors(docker: Docker): Promise<string[]> {
  let mirrors: unknown;
  try {
    const info = (await docker.info()) as { RegistryConfig?: { Mirrors?: unknown } };
    mirrors = info.RegistryConfig?.Mirrors;
  } catch {
    return [];
  }
  if (!Array.isArray(mirrors)) return [];
  const origins: string[] = [];
  for (const mirror of mirrors) {
    try {
      origins.push(new URL(String(mirror)).origin);
    } catch {
      // dockerd validated them when it started; anything else is not a mirror we can ask.
    }
  }
  return origins;
}
