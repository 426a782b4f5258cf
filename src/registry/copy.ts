import { z } from 'zod';
import { familiarName, type ImageRef } from '../domain/index.js';
import { RegistryFailure, statusFailure } from './failure.js';
import { MANIFEST_ACCEPT, sha256Digest } from './manifest-schemas.js';
import { RegistryTransfer, type TransferDeps } from './transfer.js';

export type CopyDeps = TransferDeps;

const Descriptor = z.object({ digest: z.string(), mediaType: z.string().optional() });
const CopiedManifest = z.object({
  manifests: z.array(Descriptor).optional(),
  config: Descriptor.optional(),
  layers: z.array(Descriptor).optional(),
  blobs: z.array(Descriptor).optional(),
});

/**
 * Copies the image `from@digest` to `to` (a tag) through the OCI distribution API: every blob the
 * target lacks (mounted across repositories of the same registry, else streamed from the source),
 * every manifest of an index whole, then the top manifest under `to`'s tag, byte for byte, so `to`
 * names exactly `digest`. Push credentials come from the same chain as pulls.
 */
export async function copyImage(
  deps: CopyDeps,
  from: ImageRef,
  digest: string,
  to: ImageRef,
  signal: AbortSignal,
): Promise<void> {
  const client = new CopyClient(deps, signal);
  await client.copyManifest(from, digest, to, to.tag ?? 'latest');
}

class CopyClient {
  private readonly transfer: RegistryTransfer;

  constructor(deps: CopyDeps, signal: AbortSignal) {
    this.transfer = new RegistryTransfer(deps, signal);
  }

  private send(...args: Parameters<RegistryTransfer['send']>): Promise<Response> {
    return this.transfer.send(...args);
  }

  async copyManifest(from: ImageRef, digest: string, to: ImageRef, reference: string): Promise<void> {
    const what = `${familiarName(from)}@${digest}`;
    const got = await this.send(from, 'pull', `/manifests/${digest}`, {
      headers: { accept: MANIFEST_ACCEPT },
    });
    if (got.status !== 200) throw statusFailure(got.status, `${what} manifest`);
    const body = Buffer.from(await got.arrayBuffer());
    if (sha256Digest(body) !== digest) {
      throw new RegistryFailure('registry-bad-response', `${what}: manifest does not match its digest`);
    }
    const contentType = got.headers.get('content-type') ?? 'application/vnd.oci.image.manifest.v1+json';
    const manifest = CopiedManifest.parse(JSON.parse(body.toString('utf8')));
    for (const child of manifest.manifests ?? [])
      await this.copyManifest(from, child.digest, to, child.digest);
    const blobs = [manifest.config, ...(manifest.layers ?? []), ...(manifest.blobs ?? [])];
    for (const blob of blobs) if (blob) await this.copyBlob(from, to, blob.digest);
    await this.transfer.putManifest(to, reference, contentType, body);
  }

  private async copyBlob(from: ImageRef, to: ImageRef, digest: string): Promise<void> {
    if (await this.transfer.hasBlob(to, digest)) return;
    const mountFrom = from.registry === to.registry ? from.repository : undefined;
    await this.transfer.uploadBlob(to, digest, mountFrom, async () => {
      const source = await this.send(from, 'pull', `/blobs/${digest}`, {});
      if (source.status !== 200 || !source.body)
        throw statusFailure(source.status, `${familiarName(from)} blob ${digest}`);
      const length = source.headers.get('content-length');
      return { body: source.body, length: length === null ? undefined : Number(length) };
    });
  }
}
