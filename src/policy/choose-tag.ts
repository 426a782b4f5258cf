import semver from 'semver';
import type { TagPattern } from './pattern.js';
import type { Policy } from './policy.js';
import { compareTags, isVersionTag, parseTag, sameShape, type ParsedTag } from './tag.js';

/** `tidewatch.tags.include` / `.exclude`: candidates must match include and must not match exclude. */
export interface TagFilters {
  readonly include?: TagPattern | undefined;
  readonly exclude?: TagPattern | undefined;
}

export type TagChoice =
  /** A newer tag wins: the container moves to it. */
  | { readonly kind: 'newer'; readonly tag: string }
  /** No newer tag: the current tag's digest is followed. */
  | { readonly kind: 'none' }
  /** The current tag is not a version (`latest`, `stable`): only its digest can be followed. */
  | { readonly kind: 'not-a-version'; readonly reason: string };

/** Whether `candidate` is a step `policy` allows from `current` (both of the same shape, candidate newer). */
function allowedStep(policy: Policy, current: ParsedTag, candidate: ParsedTag): boolean {
  const keeps = (count: number): boolean =>
    candidate.numbers.slice(0, count).every((part, index) => part === current.numbers[index]);
  switch (policy.kind) {
    case 'patch':
      return keeps(2);
    case 'minor':
      return keeps(1);
    case 'major':
      return true;
    case 'semver': {
      const version = semverOf(candidate);
      return (
        version !== undefined &&
        semver.satisfies(version, policy.range, { includePrerelease: current.pre.length > 0 })
      );
    }
    case 'regex':
      return policy.pattern.test(candidate.raw);
    case 'digest':
    case 'pin':
      return false;
  }
}

/**
 * The tag as semver for a range: missing parts are 0 (`1.4` is `1.4.0`), a fourth part is left
 * out (ranges cannot name it; it still orders candidates), the pre-release kept.
 */
function semverOf(tag: ParsedTag): string | undefined {
  const [major = 0, minor = 0, patch = 0] = tag.numbers;
  const pre = tag.pre.length > 0 ? `-${tag.pre.join('.')}` : '';
  return semver.valid(`${major}.${minor}.${patch}${pre}`) ?? undefined;
}

/**
 * The newest tag among `tags` that `policy` allows from `current`: same shape only, strictly newer,
 * never a pre-release unless the current tag is one, through the include/exclude filters. Pure.
 */
export function chooseTag(
  current: string,
  tags: readonly string[],
  policy: Policy,
  filters: TagFilters = {},
): TagChoice {
  const now = parseTag(current);
  if (!isVersionTag(now)) {
    return {
      kind: 'not-a-version',
      reason: `tag ${current} is not a version; following its digest`,
    };
  }
  let best: ParsedTag | undefined;
  for (const tag of tags) {
    if (tag === current) continue;
    const candidate = parseTag(tag);
    if (!sameShape(candidate, now) || compareTags(candidate, now) <= 0) continue;
    if (candidate.pre.length > 0 && now.pre.length === 0) continue;
    if (filters.include !== undefined && !filters.include.test(tag)) continue;
    if (filters.exclude?.test(tag) === true) continue;
    if (!allowedStep(policy, now, candidate)) continue;
    // Equal versions written differently (2024.01 and 2024.1): the first listed stays.
    if (best === undefined || compareTags(candidate, best) > 0) best = candidate;
  }
  return best === undefined ? { kind: 'none' } : { kind: 'newer', tag: best.raw };
}
