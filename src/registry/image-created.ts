import { z } from 'zod';
import type { ImageRef } from '../domain/image-ref.js';
import type { Platform } from '../domain/image.js';
import { describeRef } from './decide.js';
import { RegistryFailure, statusFailure } from './failure.js';
import { parseJson, sha256Digest, type ParsedManifest } from './manifest-schemas.js';
import { formatPlatform, selectPlatformEntry } from './platform.js';
import { authorisedRequest, type RepositoryDeps } from './repository-request.js';

// https://github.com/opencontainers/image-spec/blob/main/config.md: `created` and `config.Labels`
// are optional; a labels object with a non-string value is ignored, not an error.
const ImageConfig = z.object({
  created: z.string().optional(),
  config: z
    .object({ Labels: z.record(z.string(), z.string()).nullable().optional().catch(undefined) })
    .nullable()
    .optional()
    .catch(undefined),
});

/** What an image's config blob and manifests say about it: when it was built, and its labels. */
export interface ImageConfigFacts {
  readonly created: number | undefined;
  /** Config labels over manifest annotations over index annotations (the OCI keys may be in any). */
  readonly labels: Readonly<Record<string, string>>;
}

const CONFIG_ACCEPT = [
  'application/vnd.oci.image.config.v1+json',
  'application/vnd.docker.container.image.v1+json',
  'application/json',
].join(', ');

/**
 * When the image `digest` (a manifest, or an index: our platform's entry) was built, by the
 * `created` field of its config blob (undefined when the config has none or it is not a date),
 * and its labels. Asked for a cooldown counted from the image's creation (`min-age.from=created`)
 * and for release links; one fetch (memoised by the session) answers both.
 */
export async function imageConfigFacts(
  deps: RepositoryDeps,
  manifest: (digest: string, signal: AbortSignal) => Promise<ParsedManifest>,
  ref: ImageRef,
  digest: string,
  platform: Platform,
  signal: AbortSignal,
): Promise<ImageConfigFacts> {
  let found = await manifest(digest, signal);
  let annotations: Record<string, string> = {};
  if (found.kind === 'index') {
    annotations = { ...found.index.annotations };
    const entry = selectPlatformEntry(found.index.manifests, platform);
    if (entry === undefined) {
      throw new RegistryFailure(
        'registry-bad-response',
        `${describeRef(ref)}: index ${digest} has no entry for platform ${formatPlatform(platform)}`,
      );
    }
    found = await manifest(entry.digest, signal);
  }
  if (found.kind !== 'manifest') {
    throw new RegistryFailure('registry-bad-response', `${describeRef(ref)}: index entry is itself an index`);
  }
  annotations = { ...annotations, ...found.manifest.annotations };
  const config = found.manifest.config.digest;
  const what = `${ref.registry}/${ref.repository}@${config} config`;
  const url = `${deps.endpoints.baseUrl(ref.registry)}/v2/${ref.repository}/blobs/${config}`;
  const response = await authorisedRequest(
    deps,
    ref,
    { url, kind: 'blob', what, accept: CONFIG_ACCEPT },
    signal,
  );
  if (response.status !== 200) throw statusFailure(response.status, what);
  if (config.startsWith('sha256:') && sha256Digest(response.body) !== config) {
    throw new RegistryFailure('registry-bad-response', `${what}: body does not match its digest`);
  }
  const parsed = ImageConfig.safeParse(parseJson(response.body, what));
  const created = parsed.success && parsed.data.created !== undefined ? Date.parse(parsed.data.created) : NaN;
  const labels = { ...annotations, ...(parsed.success ? parsed.data.config?.Labels : undefined) };
  return { created: Number.isFinite(created) ? created : undefined, labels };
}
