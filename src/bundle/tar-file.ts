import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';

/** One file of a tar being written: bytes in memory, or a stream of exactly `size` bytes. */
export interface TarEntry {
  readonly name: string;
  readonly size: number;
  readonly open: () => Promise<Buffer | Readable>;
  /** When set, the streamed bytes must hash to it (sha256:…), or the write fails. */
  readonly digest?: string | undefined;
}

/**
 * Writes `entries` as a tar to `file`, through `file.partial` renamed at the end: a reader never
 * sees half a tar under the final name, and a failure leaves nothing behind.
 */
export async function writeTar(
  file: string,
  entries: AsyncIterable<TarEntry> | Iterable<TarEntry>,
): Promise<number> {
  const partial = `${file}.partial`;
  const pack = tar.pack();
  let written = 0;
  const counting = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      written += chunk.length;
      done(null, chunk);
    },
  });
  const output = pipeline(pack, counting, createWriteStream(partial, { mode: 0o644 }));
  try {
    for await (const entry of entries) await addEntry(pack, entry);
    pack.finalize();
    await output;
    await rename(partial, file);
    return written;
  } catch (error) {
    pack.destroy();
    await output.catch(() => undefined);
    await rm(partial, { force: true });
    throw error;
  }
}

async function addEntry(pack: tar.Pack, entry: TarEntry): Promise<void> {
  const body = await entry.open();
  if (Buffer.isBuffer(body)) {
    await new Promise<void>((resolve, reject) =>
      pack.entry({ name: entry.name, size: body.length }, body, (error) =>
        error ? reject(error) : resolve(),
      ),
    );
    return;
  }
  const meter = new DigestMeter();
  await pipeline(body, meter, pack.entry({ name: entry.name, size: entry.size }));
  if (meter.size !== entry.size)
    throw new Error(`${entry.name}: ${meter.size} bytes where ${entry.size} were announced`);
  if (entry.digest !== undefined && meter.digest() !== entry.digest)
    throw new Error(`${entry.name}: the bytes read hash to ${meter.digest()}, not ${entry.digest}`);
}

/** Passes bytes through, counting them and hashing them (sha256) on the way: blobs in and out of bundles. */
export class DigestMeter extends Transform {
  size = 0;
  private readonly hash = createHash('sha256');

  override _transform(
    chunk: Buffer,
    _encoding: BufferEncoding,
    next: (error?: Error | null, data?: Buffer) => void,
  ): void {
    this.size += chunk.length;
    this.hash.update(chunk);
    next(null, chunk);
  }

  /** `sha256:<hex>` of everything that passed; call once the stream ended. */
  digest(): string {
    return `sha256:${this.hash.copy().digest('hex')}`;
  }
}

/** A web stream (fetch's body) as a Node stream. */
export function nodeStream(body: ReadableStream<Uint8Array>): Readable {
  return Readable.fromWeb(body);
}
