import type { LabRegistry } from '../lab/index.js';
import { putManifest, sha256Digest, uploadBlob } from '../lab/registry-http.js';
import { referrersTag } from '../../src/registry/sigstore-referrers.js';

const BUNDLE_TYPE = 'application/vnd.dev.sigstore.bundle.v0.3+json';
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';

/**
 * Attaches `bundles` to image `subject` the way `cosign sign --new-bundle-format` / `oras attach`
 * do on a registry without the referrers API (distribution 2.8): each bundle the one layer of an
 * OCI manifest whose `subject` is the image, all of them listed in an index under the tag
 * `sha256-<hex>` (the OCI 1.1 referrers tag schema). Attaching again replaces the index, so pass
 * every bundle the image should have. Returns the referrer manifests' digests, in order.
 */
export async function attachSigstoreBundles(
  registry: LabRegistry,
  repository: string,
  subject: string,
  bundles: readonly Buffer[],
): Promise<string[]> {
  const empty = Buffer.from('{}');
  await uploadBlob(registry, repository, empty);
  const manifests: Buffer[] = [];
  for (const bundle of bundles) {
    await uploadBlob(registry, repository, bundle);
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: OCI_MANIFEST,
        artifactType: BUNDLE_TYPE,
        config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: sha256Digest(empty), size: 2 },
        layers: [{ mediaType: BUNDLE_TYPE, digest: sha256Digest(bundle), size: bundle.length }],
        subject: { mediaType: OCI_MANIFEST, digest: subject, size: 100 },
      }),
    );
    await putManifest(registry, repository, sha256Digest(manifest), OCI_MANIFEST, manifest);
    manifests.push(manifest);
  }
  const index = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_INDEX,
      manifests: manifests.map((manifest) => ({
        mediaType: OCI_MANIFEST,
        digest: sha256Digest(manifest),
        size: manifest.length,
        artifactType: BUNDLE_TYPE,
      })),
    }),
  );
  await putManifest(registry, repository, referrersTag(subject), OCI_INDEX, index);
  return manifests.map((manifest) => sha256Digest(manifest));
}
