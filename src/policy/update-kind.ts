import { parseTag, sameShape } from './tag.js';

/** How big a step an available update is, for the dashboard and the API. */
export type UpdateKind = 'major' | 'minor' | 'patch' | 'digest' | 'tag';

/**
 * `digest` when the tag stays and only its image moved; for a tag move between versions of the
 * same shape, the first numeric part that changed (a fourth part counts as a patch); `tag` for any
 * other move (CalVer, dates, named tags). Pure.
 */
export function updateKind(fromTag: string | undefined, toTag: string | undefined): UpdateKind {
  if (fromTag === undefined || toTag === undefined || fromTag === toTag) return 'digest';
  const from = parseTag(fromTag);
  const to = parseTag(toTag);
  if (from.scheme !== 'version' || !sameShape(from, to)) return 'tag';
  const changed = from.numbers.findIndex((part, index) => to.numbers[index] !== part);
  if (changed === 0) return 'major';
  if (changed === 1) return 'minor';
  // The rest, and a pre-release to its release (`1.4.2-rc.1` → `1.4.2`: no number changed).
  return 'patch';
}
