import { buildReleaseLinks, hasLinkLabels, type ImageRef, type ReleaseLinks } from '../domain/index.js';
import type { Engine, ImageDetails } from '../engine/index.js';
import type { RegistrySession } from '../registry/index.js';

/**
 * The release links of an available update (src/domain/release-links.ts). The new image's labels
 * come from its config blob, the fetch a `min-age.from=created` cooldown makes too (one memoised
 * request per digest and session); it is made only when the running image names a source, url or
 * documentation, so images without OCI labels cost no request at all. A failed look-up costs the
 * links, never the check.
 */
export async function registryReleaseLinks(
  registry: RegistrySession,
  ref: ImageRef,
  running: ImageDetails,
  latestDigest: string,
  signal: AbortSignal,
): Promise<ReleaseLinks | undefined> {
  const labels = running.defaults.Labels ?? undefined;
  if (!hasLinkLabels(labels)) return undefined;
  const found = await registry.imageCreated(ref, latestDigest, running.platform, signal);
  return buildReleaseLinks(labels, found.kind === 'created' ? found.labels : undefined);
}

/** With --no-pull the new image is already in the engine: its labels are read there. */
export async function localReleaseLinks(
  engine: Engine,
  running: ImageDetails,
  latestId: string,
): Promise<ReleaseLinks | undefined> {
  const labels = running.defaults.Labels ?? undefined;
  if (latestId === running.id || !hasLinkLabels(labels)) return undefined;
  const latest = await engine.inspectImage(latestId);
  return buildReleaseLinks(labels, latest?.defaults.Labels ?? undefined);
}
