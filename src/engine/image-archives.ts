import type { Readable } from 'node:stream';
import type Docker from 'dockerode';
import { chainIds } from '../registry/manifest-schemas.js';
import { engineError } from './docker-errors.js';

/**
 * The engine's image store as offline delivery needs it (src/bundle): which layer stacks it holds,
 * its platform, and `docker load` of an archive. Kept apart from the Engine port: a cycle never
 * loads images, and the fault tests enumerate the Engine port's requests.
 */
export interface ImageArchives {
  /** Chain ids of every layer stack the engine's images hold (OCI chain ids). */
  layerChains(): Promise<Set<string>>;
  /** The engine's `os/architecture`, as bundles name platforms. */
  platform(): Promise<{ os: string; architecture: string; variant?: string }>;
  /** Loads a docker-archive (the `docker save` format); resolves when the engine finished it. */
  load(archive: Readable): Promise<void>;
}

interface LoadEvent {
  readonly error?: string;
  readonly errorDetail?: { readonly message?: string };
}

export function imageArchivesOf(docker: Docker): ImageArchives {
  return {
    async layerChains() {
      const chains = new Set<string>();
      try {
        for (const summary of await docker.listImages({ all: true })) {
          const image = await docker
            .getImage(summary.Id)
            .inspect()
            .catch(() => undefined);
          for (const chain of chainIds(image?.RootFS?.Layers ?? [])) chains.add(chain);
        }
      } catch (error) {
        throw engineError('listing images', error);
      }
      return chains;
    },
    async platform() {
      try {
        const info = (await docker.info()) as { OSType?: string; Architecture?: string };
        const arch = info.Architecture ?? 'amd64';
        return {
          os: info.OSType ?? 'linux',
          architecture: arch === 'x86_64' ? 'amd64' : arch === 'aarch64' ? 'arm64' : arch,
        };
      } catch (error) {
        throw engineError('reading the engine platform', error);
      }
    },
    async load(archive) {
      let response: NodeJS.ReadableStream;
      try {
        response = await docker.loadImage(archive, { quiet: true });
      } catch (error) {
        throw engineError('loading images', error);
      }
      const events = await new Promise<LoadEvent[]>((resolve, reject) => {
        docker.modem.followProgress(response, (error: Error | null, output: LoadEvent[]) =>
          error ? reject(engineError('loading images', error)) : resolve(output),
        );
      });
      const failed = events.find((event) => event.error !== undefined || event.errorDetail !== undefined);
      if (failed)
        throw engineError(
          'loading images',
          new Error(failed.errorDetail?.message ?? failed.error ?? 'failed'),
        );
    },
  };
}
