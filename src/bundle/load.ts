import { TidewatchError } from '../domain/errors.js';
import type { ImageArchives } from '../engine/image-archives.js';
import type { BlobCache } from './cache.js';
import { dockerArchive } from './docker-archive.js';
import type { VerifiedBundle } from './verify.js';

/**
 * Loads the verified images into the engine as a `docker save` archive built from the blob cache
 * (every blob the bundle carried is in it by now; the layers verification found in the engine are left out), then reads each tag back: the load counts only
 * when the tag names exactly the image id (config digest) the bundle carried.
 */
export async function loadIntoEngine(
  deps: {
    readonly archives: ImageArchives;
    readonly imageIdOf: (tag: string) => Promise<string | undefined>;
    readonly cache: BlobCache;
  },
  verified: VerifiedBundle,
): Promise<string[]> {
  const images = verified.uses.flatMap(({ image, platforms }) =>
    platforms.map((platform) => ({
      tag: image.ref,
      platform,
      // Verification decided where each blob is; the bundle's own are in the cache by now.
      file: (digest: string) =>
        verified.sources.get(digest)?.kind === 'engine' ? undefined : deps.cache.path(digest),
    })),
  );
  await deps.archives.load(dockerArchive(images));
  for (const image of images) {
    const id = await deps.imageIdOf(image.tag);
    if (id !== image.platform.config)
      throw new TidewatchError(
        'bundle-failed',
        `${image.tag} names ${id ?? 'nothing'} in the engine after the load, not ${image.platform.config}`,
      );
  }
  return images.map((image) => image.tag);
}
