import type { ImageRef, LocalImage } from '../domain/index.js';
import { chooseTag, type Policy, type TagFilters } from '../policy/index.js';
import type { RegistrySession } from '../registry/index.js';

/** What a tag policy makes of a subject's reference. */
export type TargetResolution =
  /** A newer tag wins and points at another image: the update moves the subject to it. */
  | { readonly kind: 'newer-tag'; readonly ref: ImageRef; readonly digest: string }
  /** No newer tag (or it is the image already running): the current tag's digest is followed. */
  | { readonly kind: 'same-tag'; readonly note?: string | undefined }
  | { readonly kind: 'error'; readonly message: string };

/**
 * Lists the repository's tags (once per cycle: the session memoises it), lets the policy choose,
 * and resolves the winner like any tag: one manifest request for it, none for the current tag.
 */
export async function resolveNewerTag(
  registry: RegistrySession,
  ref: ImageRef,
  image: LocalImage,
  policy: Policy,
  filters: TagFilters,
  signal: AbortSignal,
): Promise<TargetResolution> {
  const listing = await registry.listTags(ref, signal);
  if (listing.kind === 'error') return { kind: 'error', message: listing.message };
  const choice = chooseTag(ref.tag ?? 'latest', listing.tags, policy, filters);
  switch (choice.kind) {
    case 'none':
      return { kind: 'same-tag' };
    case 'not-a-version':
      return { kind: 'same-tag', note: choice.reason };
    case 'newer': {
      const target: ImageRef = { ...ref, tag: choice.tag };
      const resolution = await registry.resolve(target, image, signal);
      switch (resolution.kind) {
        case 'update-available':
          return { kind: 'newer-tag', ref: target, digest: resolution.remoteDigest };
        // The newer tag is the very image the subject runs: updating to it would change nothing.
        case 'current':
          return { kind: 'same-tag' };
        case 'error':
          return { kind: 'error', message: resolution.message };
      }
    }
  }
}
