import { sign, type KeyObject } from 'node:crypto';
import type { LabRegistry } from '../lab/index.js';
import { putManifest, sha256Digest, uploadBlob } from '../lab/registry-http.js';

export interface CosignSignOptions {
  /** The digest the payload names; default the digest signed (a signature "for another image"). */
  readonly names?: string;
}

/**
 * Signs image `digest` in the lab registry as `cosign sign --key` does (there is no cosign binary
 * here): a simple-signing payload naming the digest, signed with ECDSA P-256 over SHA-256, stored
 * as the one layer of an OCI manifest under the tag `sha256-<hex>.sig`, the signature in the layer's
 * `dev.cosignproject.cosign/signature` annotation. Signing again replaces the tag (cosign would
 * append a layer; a test that needs several signatures passes several keys). The format is proven
 * against cosign's own output in test/unit/signature-cosign.test.ts.
 */
export async function cosignSign(
  registry: LabRegistry,
  repository: string,
  digest: string,
  keys: readonly KeyObject[],
  options: CosignSignOptions = {},
): Promise<string> {
  const payload = Buffer.from(
    JSON.stringify({
      critical: {
        identity: { 'docker-reference': `${registry.host}/${repository}` },
        image: { 'docker-manifest-digest': options.names ?? digest },
        type: 'cosign container image signature',
      },
      optional: null,
    }),
  );
  const payloadDigest = await uploadBlob(registry, repository, payload);
  const config = Buffer.from(
    JSON.stringify({
      architecture: '',
      os: '',
      rootfs: { type: 'layers', diff_ids: [payloadDigest] },
      config: {},
    }),
  );
  const configDigest = await uploadBlob(registry, repository, config);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: {
        mediaType: 'application/vnd.oci.image.config.v1+json',
        size: config.length,
        digest: configDigest,
      },
      layers: keys.map((key) => ({
        mediaType: 'application/vnd.dev.cosign.simplesigning.v1+json',
        size: payload.length,
        digest: payloadDigest,
        annotations: {
          'dev.cosignproject.cosign/signature': sign('sha256', payload, key).toString('base64'),
        },
      })),
    }),
  );
  const tag = `${digest.replace(':', '-')}.sig`;
  await putManifest(registry, repository, tag, 'application/vnd.oci.image.manifest.v1+json', manifest);
  return sha256Digest(manifest);
}
