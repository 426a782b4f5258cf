import { randomUUID } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import type { ImageRef, Platform } from '../domain/index.js';
import { statusFailure } from '../registry/failure.js';
import type { RegistryTransfer } from '../registry/transfer.js';
import { collectImages, type CollectedBlob } from './collect.js';
import {
  BUNDLE_FORMAT,
  MANIFEST_FILE,
  SIGNATURE_FILE,
  blobPath,
  type BundleBlob,
  type BundleManifest,
  type HaveFile,
} from './format.js';
import { signManifest } from './keys.js';
import { nodeStream, writeTar, type TarEntry } from './tar-file.js';

export interface CreateRequest {
  readonly refs: readonly ImageRef[];
  readonly platforms: readonly Platform[] | 'all';
  readonly output: string;
  /** What the far side holds (`bundle have`): its blobs and layer chains are left out. */
  readonly have?: HaveFile | undefined;
  /** A bundle the far side applied (--since): everything it listed is left out. */
  readonly since?: BundleManifest | undefined;
  readonly signing?: { readonly key: KeyObject; readonly id: string } | undefined;
}

export interface CreateResult {
  readonly manifest: BundleManifest;
  readonly bytes: number;
  /** Of the blobs carried, and of every blob the images need. */
  readonly carriedBytes: number;
  readonly totalBytes: number;
}

/**
 * `tidewatch bundle create`: reads the images from their registries and writes one bundle file
 * carrying every blob the far side lacks. Manifests and configs are always carried (a few KB):
 * the far side needs them to check and load what it already holds.
 */
export async function createBundle(
  transfer: RegistryTransfer,
  request: CreateRequest,
): Promise<CreateResult> {
  const collected = await collectImages(transfer, request.refs, request.platforms);
  const held = heldBy(request.have, request.since);
  const blobs: BundleBlob[] = [...collected.blobs.values()].map((blob) => ({
    digest: blob.digest,
    size: blob.size,
    mediaType: blob.mediaType,
    carried:
      blob.bytes !== undefined ||
      !(held.blobs.has(blob.digest) || (blob.chain !== undefined && held.chains.has(blob.chain))),
  }));
  const manifest: BundleManifest = {
    format: BUNDLE_FORMAT,
    id: randomUUID(),
    created: new Date().toISOString(),
    previous: request.since?.id ?? null,
    images: collected.images,
    blobs,
  };
  const manifestBytes = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`);
  const entries: TarEntry[] = [
    { name: MANIFEST_FILE, size: manifestBytes.length, open: () => Promise.resolve(manifestBytes) },
  ];
  if (request.signing) {
    const signature = Buffer.from(`${JSON.stringify(signManifest(manifestBytes, request.signing))}\n`);
    entries.push({ name: SIGNATURE_FILE, size: signature.length, open: () => Promise.resolve(signature) });
  }
  entries.push(...layoutEntries(manifest));
  for (const blob of blobs.filter((entry) => entry.carried)) {
    const source = collected.blobs.get(blob.digest) as CollectedBlob;
    entries.push({
      name: blobPath(blob.digest),
      size: blob.size,
      digest: blob.digest,
      open: () => openBlob(transfer, source),
    });
  }
  const bytes = await writeTar(request.output, entries);
  const sum = (list: BundleBlob[]): number => list.reduce((total, blob) => total + blob.size, 0);
  return { manifest, bytes, carriedBytes: sum(blobs.filter((blob) => blob.carried)), totalBytes: sum(blobs) };
}

function heldBy(
  have: HaveFile | undefined,
  since: BundleManifest | undefined,
): { blobs: Set<string>; chains: Set<string> } {
  return {
    blobs: new Set([...(have?.blobs ?? []), ...(since?.blobs.map((blob) => blob.digest) ?? [])]),
    chains: new Set(have?.chains ?? []),
  };
}

/** `oci-layout` and `index.json`: the bundle is an OCI image layout too, for tools that read one. */
function layoutEntries(manifest: BundleManifest): TarEntry[] {
  const mediaTypes = new Map(manifest.blobs.map((blob) => [blob.digest, blob]));
  const index = {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.index.v1+json',
    manifests: manifest.images.map((image) => ({
      mediaType: mediaTypes.get(image.digest)?.mediaType,
      digest: image.digest,
      size: mediaTypes.get(image.digest)?.size,
      annotations: { 'org.opencontainers.image.ref.name': image.ref },
    })),
  };
  const layout = Buffer.from('{"imageLayoutVersion":"1.0.0"}\n');
  const indexBytes = Buffer.from(`${JSON.stringify(index)}\n`);
  return [
    { name: 'oci-layout', size: layout.length, open: () => Promise.resolve(layout) },
    { name: 'index.json', size: indexBytes.length, open: () => Promise.resolve(indexBytes) },
  ];
}

async function openBlob(
  transfer: RegistryTransfer,
  blob: CollectedBlob,
): Promise<Buffer | import('node:stream').Readable> {
  if (blob.bytes !== undefined) return blob.bytes;
  const response = await transfer.send(blob.from, 'pull', `/blobs/${blob.digest}`, {});
  if (response.status !== 200 || !response.body) throw statusFailure(response.status, `blob ${blob.digest}`);
  return nodeStream(response.body);
}
