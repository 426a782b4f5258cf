import { calendarParts } from './tag-schemes.js';
import { parseTag, sameShape } from './tag.js';

/** How big a step an available update is, for the dashboard, `check`, notifications and the API. */
export type UpdateKind = 'major' | 'minor' | 'patch' | 'prerelease' | 'date' | 'digest' | 'tag';

/**
 * - `digest`: the tag stays and only its image moved
 * - `major`, `minor`, `patch`: a version's first, second, or a later numeric part changed; `patch`
 *   also for a pre-release to its release (`1.4.2-rc.1` → `1.4.2`), a Checkmk `p` release, a new
 *   build or revision (`-ls132`, `-r2`) of the same version
 * - `prerelease`: a step between pre-releases of the same version (`1.2.3-alpha1` → `1.2.3-beta1`)
 * - `date`: a release by date moved on (a date, CalVer's year.month, Ubuntu's `YY.MM`); a change
 *   after the calendar parts (`22.04.1` → `22.04.2`, `2024.10.1` → `2024.10.2`) is a `patch`
 * - `tag`: any other move (between shapes, named tags)
 * Pure.
 */
export function updateKind(fromTag: string | undefined, toTag: string | undefined): UpdateKind {
  if (fromTag === undefined || toTag === undefined || fromTag === toTag) return 'digest';
  const from = parseTag(fromTag);
  const to = parseTag(toTag);
  if (!sameShape(from, to)) return 'tag';
  const changed = from.numbers.findIndex((part, index) => to.numbers[index] !== part);
  if (changed === -1) return to.pre.length > 0 ? 'prerelease' : 'patch';
  if (from.scheme !== 'version') return changed < calendarParts(from.scheme, from.form) ? 'date' : 'patch';
  if (changed === 0) return 'major';
  if (changed === 1) return 'minor';
  return 'patch';
}
