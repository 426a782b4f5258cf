import { repoDigestOf, type ImageRef } from '../domain/image-ref.js';
import type { LocalImage } from '../domain/image.js';
import { RegistryFailure } from './failure.js';
import type { ParsedManifest } from './manifest-schemas.js';
import { formatPlatform, selectPlatformEntry } from './platform.js';
import type { Resolution } from './types.js';

/** Where the decision gets its facts; memoised by the session. */
export interface ManifestSource {
  /** The digest the tag points at now. */
  tagDigest(signal: AbortSignal): Promise<string>;
  manifest(digest: string, signal: AbortSignal): Promise<ParsedManifest>;
}

/** `registry/repository:tag`, the way messages name what they are about. */
export function describeRef(ref: ImageRef): string {
  const name = `${ref.registry}/${ref.repository}`;
  return ref.tag !== undefined ? `${name}:${ref.tag}` : `${name}@${ref.digest ?? ''}`;
}

function pulledAs(ref: ImageRef, local: LocalImage, digest: string): boolean {
  return local.id === digest || local.repoDigests.some((entry) => repoDigestOf(ref, entry) === digest);
}

/**
 * Is the local image what the tag points at? Cheapest proof first: the tag's digest among the
 * image's RepoDigests of the same repository (one HEAD). Otherwise compare content: the image's id
 * is its config digest on the classic store, so a manifest whose config is the local id is the same
 * image even when it was pushed under another manifest digest, and for a multi-platform index only
 * our platform's entry counts (a rebuild of another platform is not an update for us).
 */
export async function decide(
  ref: ImageRef,
  local: LocalImage,
  source: ManifestSource,
  signal: AbortSignal,
): Promise<Resolution> {
  const remoteDigest = await source.tagDigest(signal);
  if (pulledAs(ref, local, remoteDigest)) return { kind: 'current', remoteDigest };

  const top = await source.manifest(remoteDigest, signal);
  let manifest: ParsedManifest = top;
  if (top.kind === 'index') {
    const entry = selectPlatformEntry(top.index.manifests, local.platform);
    if (entry === undefined) {
      throw new RegistryFailure(
        'registry-bad-response',
        `${describeRef(ref)}: index ${remoteDigest} has no entry for platform ${formatPlatform(local.platform)}`,
      );
    }
    if (pulledAs(ref, local, entry.digest)) return { kind: 'current', remoteDigest };
    manifest = await source.manifest(entry.digest, signal);
    if (manifest.kind !== 'manifest') {
      throw new RegistryFailure(
        'registry-bad-response',
        `${describeRef(ref)}: index entry ${entry.digest} is itself an index`,
      );
    }
  }
  if (manifest.kind === 'manifest' && manifest.manifest.config.digest === local.id) {
    return { kind: 'current', remoteDigest };
  }
  return { kind: 'update-available', remoteDigest };
}
