import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { labLabels } from './names.js';
import type { LabRegistry } from './registry.js';
import {
  MANIFEST_ACCEPT,
  MEDIA_TYPES,
  putManifest,
  registryFetch,
  sha256Digest,
  uploadBlob,
} from './registry-http.js';
import { createTar } from './tar.js';

export { MANIFEST_ACCEPT, MEDIA_TYPES } from './registry-http.js';

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

/** An OCI content descriptor: https://github.com/opencontainers/image-spec/blob/main/descriptor.md */
export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: Platform;
  annotations?: Record<string, string>;
}

const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';
const OCI_LAYER_GZIP = 'application/vnd.oci.image.layer.v1.tar+gzip';
const IN_TOTO = 'application/vnd.in-toto+json';

function json(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value));
}

/** Uploads config + layers, PUTs an OCI image manifest by digest, returns its descriptor. */
async function pushManifest(
  registry: LabRegistry,
  repo: string,
  config: Buffer,
  layers: { mediaType: string; data: Buffer; annotations?: Record<string, string> }[],
): Promise<Descriptor> {
  const configDigest = await uploadBlob(registry, repo, config);
  const layerDescriptors = [];
  for (const layer of layers) {
    const digest = await uploadBlob(registry, repo, layer.data);
    layerDescriptors.push({
      mediaType: layer.mediaType,
      digest,
      size: layer.data.length,
      ...(layer.annotations && { annotations: layer.annotations }),
    });
  }
  const manifest = json({
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.ociManifest,
    config: { mediaType: OCI_CONFIG, digest: configDigest, size: config.length },
    layers: layerDescriptors,
  });
  const digest = await putManifest(registry, repo, sha256Digest(manifest), MEDIA_TYPES.ociManifest, manifest);
  return { mediaType: MEDIA_TYPES.ociManifest, digest, size: manifest.length };
}

/**
 * An image for a platform the engine cannot build (arm64, s390x...): one small gzipped layer
 * holding /tidewatch-marker. Good for index tests; not meant to be run.
 */
export async function pushForeignManifest(
  registry: LabRegistry,
  repo: string,
  platform: Platform,
  marker: string = randomUUID(),
): Promise<Descriptor> {
  const tar = createTar([{ type: 'file', path: 'tidewatch-marker', content: Buffer.from(`${marker}\n`) }]);
  const config = json({
    ...platform,
    created: new Date().toISOString(),
    config: { Cmd: ['sleep', '3600'], Labels: labLabels() },
    rootfs: { type: 'layers', diff_ids: [sha256Digest(tar)] },
  });
  const descriptor = await pushManifest(registry, repo, config, [
    { mediaType: OCI_LAYER_GZIP, data: gzipSync(tar) },
  ]);
  return { ...descriptor, platform };
}

/**
 * Descriptor of a manifest already in the registry (for example one the engine pushed), from a
 * HEAD with all four Accept types so the registry reports the stored representation.
 */
export async function manifestDescriptor(
  registry: LabRegistry,
  repo: string,
  reference: string,
  platform?: Platform,
): Promise<Descriptor> {
  const response = await registryFetch(registry, `/v2/${repo}/manifests/${reference}`, {
    method: 'HEAD',
    headers: { Accept: MANIFEST_ACCEPT },
  });
  if (response.status !== 200) throw new Error(`HEAD ${repo}:${reference} answered ${response.status}`);
  const mediaType = response.headers.get('content-type');
  const digest = response.headers.get('docker-content-digest');
  const size = Number(response.headers.get('content-length'));
  if (mediaType === null || digest === null || !Number.isInteger(size) || size <= 0) {
    throw new Error(`HEAD ${repo}:${reference} lacks Content-Type, Docker-Content-Digest or Content-Length`);
  }
  return { mediaType, digest, size, ...(platform && { platform }) };
}

/**
 * Tags an image index over `manifests` and returns its digest. OCI index by default; pass the
 * Docker manifest list media type to get that flavour instead.
 */
export async function putIndex(
  registry: LabRegistry,
  repo: string,
  tag: string,
  manifests: Descriptor[],
  mediaType: string = MEDIA_TYPES.ociIndex,
): Promise<string> {
  const body = json({ schemaVersion: 2, mediaType, manifests });
  return putManifest(registry, repo, tag, mediaType, body);
}

/**
 * A BuildKit-style attestation manifest for `subject`: an index entry with platform
 * unknown/unknown that updaters must skip when choosing a platform. The manifest it points at
 * really exists, as the registry requires for every index entry.
 * https://docs.docker.com/build/metadata/attestations/attestation-storage/
 */
export async function attestationDescriptor(
  registry: LabRegistry,
  repo: string,
  subject: Descriptor,
): Promise<Descriptor> {
  const predicateType = 'https://spdx.dev/Document';
  const statement = json({
    _type: 'https://in-toto.io/Statement/v0.1',
    predicateType,
    subject: [{ name: repo, digest: { sha256: subject.digest.replace(/^sha256:/, '') } }],
    predicate: { spdxVersion: 'SPDX-2.3', name: 'tidewatch-lab' },
  });
  const config = json({
    architecture: 'unknown',
    os: 'unknown',
    config: {},
    rootfs: { type: 'layers', diff_ids: [sha256Digest(statement)] },
  });
  const descriptor = await pushManifest(registry, repo, config, [
    { mediaType: IN_TOTO, data: statement, annotations: { 'in-toto.io/predicate-type': predicateType } },
  ]);
  return {
    ...descriptor,
    platform: { os: 'unknown', architecture: 'unknown' },
    annotations: {
      'vnd.docker.reference.type': 'attestation-manifest',
      'vnd.docker.reference.digest': subject.digest,
    },
  };
}

/** GETs a manifest with all four Accept types: its media type and its bytes exactly as stored. */
async function getManifest(
  registry: LabRegistry,
  repo: string,
  reference: string,
): Promise<{ mediaType: string; body: Buffer }> {
  const response = await registryFetch(registry, `/v2/${repo}/manifests/${reference}`, {
    headers: { Accept: MANIFEST_ACCEPT },
  });
  const mediaType = response.headers.get('content-type');
  if (response.status !== 200 || mediaType === null) {
    throw new Error(
      `GET ${repo}:${reference} answered ${response.status} (${mediaType ?? 'no Content-Type'})`,
    );
  }
  return { mediaType, body: Buffer.from(await response.arrayBuffer()) };
}

/** Tags a manifest already in the registry (the same bytes PUT again under `tag`); returns its digest. */
export async function tagManifest(
  registry: LabRegistry,
  repo: string,
  digest: string,
  tag: string,
): Promise<string> {
  const { mediaType, body } = await getManifest(registry, repo, digest);
  return putManifest(registry, repo, tag, mediaType, body);
}

/** The config digest of an image manifest: the image id an engine with the classic store shows. */
export async function configDigest(registry: LabRegistry, repo: string, reference: string): Promise<string> {
  const { body } = await getManifest(registry, repo, reference);
  const { config } = JSON.parse(body.toString('utf8')) as { config?: { digest?: unknown } };
  if (typeof config?.digest !== 'string') throw new Error(`${repo}:${reference} is not an image manifest`);
  return config.digest;
}
