import { createReadStream, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { familiarName, parseImageRef, type ImageRef } from '../domain/index.js';
import type { RegistryTransfer } from '../registry/transfer.js';
import type { BlobCache } from './cache.js';
import type { VerifiedBundle } from './verify.js';

/** --bundle-target-registry: a registry on the far side that the bundle's images are pushed into. */
export interface TargetRegistry {
  /** `registry.site:5000`: each image keeps its repository and tag under this host. */
  readonly host: string;
  readonly transfer: RegistryTransfer;
}

/** `ghcr.io/acme/app:1` → `registry.site:5000/acme/app:1`. */
export function retarget(ref: string, host: string): ImageRef {
  const parsed = parseImageRef(ref);
  return parseImageRef(`${host}/${parsed.repository}:${parsed.tag ?? 'latest'}`);
}

/**
 * Pushes every verified image, all its platforms, into the site registry: blobs it lacks from the
 * blob cache, each platform's manifest by digest, then the top manifest under the tag, byte for
 * byte, so the tag names exactly the digest the bundle carried. Returns the pushed references.
 */
export async function pushToRegistry(
  target: TargetRegistry,
  verified: VerifiedBundle,
  cache: BlobCache,
): Promise<string[]> {
  const mediaTypes = new Map(verified.manifest.blobs.map((blob) => [blob.digest, blob.mediaType]));
  const pushed: string[] = [];
  for (const { image } of verified.uses) {
    const to = retarget(image.ref, target.host);
    for (const platform of image.platforms) {
      for (const blob of [platform.config, ...platform.layers]) {
        if (await target.transfer.hasBlob(to, blob)) continue;
        const path = cache.path(blob);
        await target.transfer.uploadBlob(to, blob, undefined, () =>
          Promise.resolve({
            body: Readable.toWeb(createReadStream(path)) as ReadableStream<Uint8Array>,
            length: statSync(path).size,
          }),
        );
      }
      if (platform.manifest !== image.digest)
        await target.transfer.putManifest(
          to,
          platform.manifest,
          mediaTypes.get(platform.manifest) ?? '',
          await readFile(cache.path(platform.manifest)),
        );
    }
    await target.transfer.putManifest(
      to,
      to.tag ?? 'latest',
      mediaTypes.get(image.digest) ?? '',
      await readFile(cache.path(image.digest)),
    );
    pushed.push(`${familiarName(to)}:${to.tag ?? 'latest'}`);
  }
  return pushed;
}
