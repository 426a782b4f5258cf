import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import tar from 'tar-stream';
import type { BundlePlatform } from './format.js';

/** One image to load: its tag and the files of its config and layers (undefined: the engine has it). */
export interface ArchiveImage {
  readonly tag: string;
  readonly platform: BundlePlatform;
  readonly file: (digest: string) => string | undefined;
}

/**
 * The images as a `docker save` archive, which every engine's `docker load` reads (Docker 20.10
 * does not load OCI layouts). Layers stay compressed: load decompresses them. A layer the engine
 * already holds (with everything under it) is named in manifest.json but left out: load looks a
 * layer up by its chain id before it opens the file, so it never needs it.
 */
export function dockerArchive(images: readonly ArchiveImage[]): Readable {
  const pack = tar.pack();
  const hex = (digest: string): string => digest.slice('sha256:'.length);
  const manifest = images.map((image) => ({
    Config: `${hex(image.platform.config)}.json`,
    RepoTags: [image.tag],
    Layers: image.platform.layers.map((layer) => `${hex(layer)}/layer.tar`),
  }));
  void (async () => {
    try {
      await add(pack, 'manifest.json', Buffer.from(JSON.stringify(manifest)));
      const written = new Set<string>();
      for (const image of images) {
        const files: [string, string | undefined][] = [
          [`${hex(image.platform.config)}.json`, image.file(image.platform.config)],
          ...image.platform.layers.map((layer): [string, string | undefined] => [
            `${hex(layer)}/layer.tar`,
            image.file(layer),
          ]),
        ];
        for (const [name, path] of files) {
          if (path === undefined || written.has(name)) continue;
          written.add(name);
          await addFile(pack, name, path);
        }
      }
      pack.finalize();
    } catch (error) {
      pack.destroy(error as Error);
    }
  })();
  return Readable.from(pack, { objectMode: false });
}

function add(pack: tar.Pack, name: string, body: Buffer): Promise<void> {
  return new Promise((resolve, reject) =>
    pack.entry({ name, size: body.length }, body, (error) => (error ? reject(error) : resolve())),
  );
}

async function addFile(pack: tar.Pack, name: string, path: string): Promise<void> {
  const { size } = await stat(path);
  await new Promise<void>((resolve, reject) => {
    const entry = pack.entry({ name, size }, (error) => (error ? reject(error) : resolve()));
    createReadStream(path).on('error', reject).pipe(entry);
  });
}
