import { createHash } from 'node:crypto';
import type { LabRegistry } from './registry.js';

/** The four manifest media types; without all of them v2.8 may answer with schema1 instead. */
export const MEDIA_TYPES = {
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
} as const;

export const MANIFEST_ACCEPT = Object.values(MEDIA_TYPES).join(', ');

const TIMEOUT_MS = 10_000;

export function sha256Digest(data: Buffer): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/** fetch against the lab registry, with its htpasswd credentials when it has some. */
export async function registryFetch(
  registry: LabRegistry,
  path: string,
  init: RequestInit = {},
): Promise<Response> {
  const headers = new Headers(init.headers);
  if (registry.auth !== undefined) {
    const { username, password } = registry.auth;
    headers.set('Authorization', `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`);
  }
  const url = path.startsWith('http') ? path : `${registry.url}${path}`;
  return fetch(url, { ...init, headers, signal: AbortSignal.timeout(TIMEOUT_MS) });
}

async function expectStatus(response: Response, status: number, what: string): Promise<void> {
  if (response.status !== status) {
    const body = await response.text().catch(() => '');
    throw new Error(`${what}: expected ${status}, got ${response.status} ${body.slice(0, 300)}`);
  }
}

/**
 * Monolithic blob upload: POST opens a session, PUT with ?digest= closes it.
 * https://distribution.github.io/distribution/spec/api/#monolithic-upload
 */
export async function uploadBlob(registry: LabRegistry, repo: string, data: Buffer): Promise<string> {
  const digest = sha256Digest(data);
  const start = await registryFetch(registry, `/v2/${repo}/blobs/uploads/`, { method: 'POST' });
  await expectStatus(start, 202, `starting upload to ${repo}`);
  await start.arrayBuffer();
  const location = new URL(start.headers.get('location') ?? '', registry.url);
  location.searchParams.set('digest', digest);
  const put = await registryFetch(registry, location.toString(), {
    method: 'PUT',
    headers: { 'Content-Type': 'application/octet-stream' },
    body: data,
  });
  await expectStatus(put, 201, `uploading ${digest} to ${repo}`);
  await put.arrayBuffer();
  return digest;
}

/** PUTs a manifest or index under `reference` (tag or digest) and returns its digest. */
export async function putManifest(
  registry: LabRegistry,
  repo: string,
  reference: string,
  mediaType: string,
  body: Buffer,
): Promise<string> {
  const response = await registryFetch(registry, `/v2/${repo}/manifests/${reference}`, {
    method: 'PUT',
    headers: { 'Content-Type': mediaType },
    body,
  });
  await expectStatus(response, 201, `putting manifest ${repo}:${reference}`);
  await response.arrayBuffer();
  const digest = sha256Digest(body);
  const stored = response.headers.get('docker-content-digest');
  if (stored !== null && stored !== digest) throw new Error(`registry stored ${stored}, expected ${digest}`);
  return digest;
}
