import { readFileSync, writeFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import tar from 'tar-stream';

/** The entries of a tar file, in order, with their bytes (bundles in tests are a few MB). */
export async function tarEntries(file: string): Promise<{ name: string; body: Buffer }[]> {
  const extract = tar.extract();
  const entries: { name: string; body: Buffer }[] = [];
  Readable.from([readFileSync(file)]).pipe(extract);
  for await (const entry of extract) {
    const chunks: Buffer[] = [];
    for await (const chunk of entry) chunks.push(chunk as Buffer);
    entries.push({ name: entry.header.name, body: Buffer.concat(chunks) });
  }
  return entries;
}

/** Writes `entries` as a tar file (to forge a bundle: another signature, a changed manifest). */
export async function writeTarFile(
  file: string,
  entries: readonly { name: string; body: Buffer }[],
): Promise<void> {
  const pack = tar.pack();
  for (const entry of entries) pack.entry({ name: entry.name, size: entry.body.length }, entry.body);
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of pack) chunks.push(chunk as Buffer);
  writeFileSync(file, Buffer.concat(chunks));
}

export interface BundleJson {
  id: string;
  created: string;
  images: {
    ref: string;
    digest: string;
    platforms: { platform: string; manifest: string; config: string; layers: string[] }[];
  }[];
  blobs: { digest: string; size: number; mediaType: string; carried: boolean }[];
}

export async function bundleManifest(file: string): Promise<BundleJson> {
  const entry = (await tarEntries(file)).find((e) => e.name === 'tidewatch-bundle.json');
  if (!entry) throw new Error(`${file} has no tidewatch-bundle.json`);
  return JSON.parse(entry.body.toString('utf8')) as BundleJson;
}

/** Flips one byte in the middle of blob `digest`'s data inside the tar file, in place. */
export function flipByteInBlob(file: string, digest: string): void {
  const bytes = readFileSync(file);
  const name = `blobs/sha256/${digest.slice('sha256:'.length)}`;
  for (let offset = 0; offset + 512 <= bytes.length;) {
    const header = bytes.subarray(offset, offset + 512);
    const entryName = header.subarray(0, 100).toString('utf8').replace(/\0.*$/s, '');
    if (entryName === '') break;
    const size = parseInt(header.subarray(124, 136).toString('utf8').replace(/\0.*$/s, '').trim(), 8);
    if (entryName === name) {
      const at = offset + 512 + Math.floor(size / 2);
      bytes[at] = (bytes[at] ?? 0) ^ 0xff;
      writeFileSync(file, bytes);
      return;
    }
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  throw new Error(`${name} is not in ${file}`);
}
