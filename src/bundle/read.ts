import { createReadStream, createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';
import { describeError } from '../domain/errors.js';
import {
  BLOB_DIR,
  BundleManifest,
  BundleSignature,
  LAYOUT_FILES,
  MANIFEST_FILE,
  SIGNATURE_FILE,
} from './format.js';
import { BundleRejected } from './rejected.js';
import { DigestMeter } from './tar-file.js';

/** A blob as found in the file, written to the staging dir: its real digest, for the checks. */
export interface StagedBlob {
  readonly path: string;
  readonly size: number;
  /** What its bytes hash to (a tampered or corrupt blob differs from its name). */
  readonly actualDigest: string;
}

export interface ReadBundle {
  readonly manifestBytes: Buffer;
  readonly manifest: BundleManifest;
  readonly signature: BundleSignature | undefined;
  /** By the digest its name claims. */
  readonly blobs: Map<string, StagedBlob>;
}

const SMALL_FILE_LIMIT = 4 * 1024 * 1024;

/**
 * Reads a bundle file into `stagingDir` (blobs) and memory (its manifest and signature), hashing
 * every blob as it streams. Throws BundleRejected for a file that is not a whole, well-formed
 * bundle; whether its contents are right is verify.ts's job.
 */
export async function readBundle(file: string, stagingDir: string): Promise<ReadBundle> {
  const extract = tar.extract();
  const blobs = new Map<string, StagedBlob>();
  const small = new Map<string, Buffer>();
  const reading = pipeline(createReadStream(file), extract).catch((error: unknown) => {
    throw readFailure(error);
  });
  try {
    for await (const entry of extract) {
      const name = entry.header.name.replace(/^\.\//, '');
      if (entry.header.type !== 'file')
        throw new BundleRejected(`unexpected ${entry.header.type} entry "${name}"`);
      if (name.startsWith(BLOB_DIR)) {
        const hex = name.slice(BLOB_DIR.length);
        if (!/^[0-9a-f]{64}$/.test(hex)) throw new BundleRejected(`unexpected entry "${name}"`);
        const path = join(stagingDir, hex);
        const meter = new DigestMeter();
        await pipeline(entry, meter, createWriteStream(path));
        blobs.set(`sha256:${hex}`, { path, size: meter.size, actualDigest: meter.digest() });
      } else if (
        name === MANIFEST_FILE ||
        name === SIGNATURE_FILE ||
        (LAYOUT_FILES as readonly string[]).includes(name)
      ) {
        if ((entry.header.size ?? 0) > SMALL_FILE_LIMIT)
          throw new BundleRejected(`"${name}" is implausibly large`);
        const chunks: Buffer[] = [];
        for await (const chunk of entry) chunks.push(chunk as Buffer);
        small.set(name, Buffer.concat(chunks));
      } else {
        throw new BundleRejected(`unexpected entry "${name}"`);
      }
    }
    await reading;
  } catch (error) {
    extract.destroy();
    await reading.catch(() => undefined);
    throw error instanceof BundleRejected ? error : readFailure(error);
  }
  const manifestBytes = small.get(MANIFEST_FILE);
  if (manifestBytes === undefined)
    throw new BundleRejected(`it has no ${MANIFEST_FILE}: not a Tidewatch bundle`);
  return {
    manifestBytes,
    manifest: parseManifest(manifestBytes),
    signature: parseSignature(small.get(SIGNATURE_FILE)),
    blobs,
  };
}

/**
 * Only the manifest of a bundle file (`bundle create --since`): it is the file's first entry, so
 * reading stops there; the blobs after it are never read.
 */
export async function readManifestOnly(file: string): Promise<BundleManifest> {
  const extract = tar.extract();
  const source = createReadStream(file);
  source.pipe(extract);
  try {
    for await (const entry of extract) {
      if (entry.header.name.replace(/^\.\//, '') !== MANIFEST_FILE) {
        entry.resume();
        continue;
      }
      const chunks: Buffer[] = [];
      for await (const chunk of entry) chunks.push(chunk as Buffer);
      return parseManifest(Buffer.concat(chunks));
    }
  } catch (error) {
    throw readFailure(error);
  } finally {
    source.destroy();
    extract.destroy();
  }
  throw new BundleRejected(`it has no ${MANIFEST_FILE}: not a Tidewatch bundle`);
}

function readFailure(error: unknown): BundleRejected {
  if (error instanceof BundleRejected) return error;
  const message = describeError(error);
  if (/unexpected end|premature close/i.test(message))
    return new BundleRejected('the file ends early: it is truncated');
  return new BundleRejected(`it is not a readable tar file (${message})`);
}

function parseManifest(bytes: Buffer): BundleManifest {
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new BundleRejected(`${MANIFEST_FILE} is not JSON`);
  }
  const parsed = BundleManifest.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new BundleRejected(
      `${MANIFEST_FILE}: ${issue?.path.join('.') || 'the file'}: ${issue?.message ?? 'invalid'}`,
    );
  }
  return parsed.data;
}

function parseSignature(bytes: Buffer | undefined): BundleSignature | undefined {
  if (bytes === undefined) return undefined;
  try {
    return BundleSignature.parse(JSON.parse(bytes.toString('utf8')));
  } catch {
    throw new BundleRejected(`${SIGNATURE_FILE} is not a signature`);
  }
}
