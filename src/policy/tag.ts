/**
 * Image tags read as versions. The rule that keeps the peers' bugs out: two tags are compared only
 * when they have the same shape (see `shapeOf`): the same scheme, the same `v` prefix, the same
 * number of numeric parts, the same variant (`-alpine`) and the same kind of build suffix. So a
 * build number `168` is never ranked against `1.43.3`, `2024.10.1` (CalVer) never against `1.2.3`,
 * and `1.2-alpine` never moves to `1.3` (it has lost its variant). Pure.
 */

/**
 * - `version`: dotted numbers (`1`, `1.4`, `1.4.2`, `1.2.3.4`, a bare build number `168`)
 * - `calver`: dotted numbers whose first part is a year (`2024.10.1`, `2024.10`)
 * - `date`: one number that is a date (`20240101`, `202401011230`, `20240101123000`)
 * - `latest`: the tag `latest`
 * - `named`: anything else (`stable`, `alpine`, `sha-1a2b3c`): never compared
 */
export type TagScheme = 'version' | 'calver' | 'date' | 'latest' | 'named';

export interface ParsedTag {
  readonly raw: string;
  readonly scheme: TagScheme;
  /** `v` when the tag starts with one (kept as written, for the shape). */
  readonly prefix: string;
  readonly numbers: readonly number[];
  /** Pre-release identifiers: `rc.1` and `rc1` are `['rc', 1]`; empty for a release. */
  readonly pre: readonly (string | number)[];
  /** A build or package revision after the version: `-r2`, `-ls168`, `-3`. */
  readonly build?: { readonly label: string; readonly number: number } | undefined;
  /** The variant suffix, as written: `alpine`, `slim-bookworm`, `alpine3.19`; empty for none. */
  readonly variant: string;
}

const VERSION = /^([vV]?)(\d{1,18}(?:\.\d{1,18}){0,3})(?:-(.+))?$/;
// Pre-release words in the order releases reach them; a number may follow (`rc1`, `rc.1`, `beta-2` is not one).
const PRE_RANK: Readonly<Record<string, number>> = {
  dev: 0,
  snapshot: 0,
  nightly: 0,
  alpha: 1,
  beta: 2,
  pre: 3,
  preview: 3,
  rc: 4,
};
const PRE = /^(dev|snapshot|nightly|alpha|beta|pre|preview|rc)(?:\.?(\d{1,9}))?$/i;
// A revision after the version: Alpine's `-r2`, linuxserver.io's `-ls168`, Debian-style `-3`.
const BUILD = /^(r|ls|build|b)?(\d{1,18})$/i;

function isDate(text: string): boolean {
  if (!/^\d{8}(?:\d{4}(?:\d{2})?)?$/.test(text)) return false;
  const year = Number(text.slice(0, 4));
  const month = Number(text.slice(4, 6));
  const day = Number(text.slice(6, 8));
  if (year < 1970 || year > 2999 || month < 1 || month > 12 || day < 1 || day > 31) return false;
  if (text.length >= 12 && (Number(text.slice(8, 10)) > 23 || Number(text.slice(10, 12)) > 59)) return false;
  return text.length < 14 || Number(text.slice(12, 14)) <= 59;
}

function schemeOf(parts: readonly string[]): TagScheme {
  const [first = ''] = parts;
  if (parts.length === 1 && isDate(first)) return 'date';
  // A year first, with a month or more after it: 2024.10, 2024.10.1, 2024.01.05.
  if (parts.length > 1 && /^(19[7-9]\d|2\d{3})$/.test(first)) return 'calver';
  return 'version';
}

/** Reads a tag. Never throws: a tag that is not a version is `named` (or `latest`). */
export function parseTag(raw: string): ParsedTag {
  const named = (scheme: 'latest' | 'named'): ParsedTag => ({
    raw,
    scheme,
    prefix: '',
    numbers: [],
    pre: [],
    variant: '',
  });
  if (raw.toLowerCase() === 'latest') return named('latest');
  const match = VERSION.exec(raw);
  if (match === null) return named('named');
  const [, prefix = '', dotted = '', suffix] = match;
  const parts = dotted.split('.');
  let pre: (string | number)[] = [];
  let build: ParsedTag['build'];
  const variant: string[] = [];
  for (const token of suffix === undefined ? [] : suffix.split('-')) {
    const preMatch = PRE.exec(token);
    const buildMatch = BUILD.exec(token);
    if (preMatch !== null && pre.length === 0 && build === undefined && variant.length === 0) {
      const word = (preMatch[1] ?? '').toLowerCase();
      pre = preMatch[2] === undefined ? [word] : [word, Number(preMatch[2])];
    } else if (buildMatch !== null && build === undefined && variant.length === 0) {
      build = { label: (buildMatch[1] ?? '').toLowerCase(), number: Number(buildMatch[2]) };
    } else if (token === '') {
      return named('named');
    } else {
      variant.push(token);
    }
  }
  return {
    raw,
    scheme: schemeOf(parts),
    prefix,
    numbers: parts.map(Number),
    pre,
    build,
    variant: variant.join('-'),
  };
}

/** Whether the tag can be compared with others at all. */
export function isVersionTag(tag: ParsedTag): boolean {
  return tag.scheme !== 'latest' && tag.scheme !== 'named';
}

/**
 * What two tags must share to be compared. The pre-release is not part of it (`1.2.3-rc.1` is an
 * earlier `1.2.3`); everything else is.
 */
export function shapeOf(tag: ParsedTag): string {
  const build = tag.build === undefined ? '' : `+${tag.build.label}#`;
  return `${tag.scheme}|${tag.prefix.toLowerCase()}|${tag.numbers.length}|${build}|${tag.variant}`;
}

export function sameShape(a: ParsedTag, b: ParsedTag): boolean {
  return isVersionTag(a) && isVersionTag(b) && shapeOf(a) === shapeOf(b);
}

function compareNumbers(a: readonly number[], b: readonly number[]): number {
  for (let index = 0; index < Math.max(a.length, b.length); index++) {
    const difference = (a[index] ?? 0) - (b[index] ?? 0);
    if (difference !== 0) return Math.sign(difference);
  }
  return 0;
}

/** A release ranks above its pre-releases; pre-releases by word (dev < alpha < beta < rc), then number. */
function comparePre(a: readonly (string | number)[], b: readonly (string | number)[]): number {
  if (a.length === 0 || b.length === 0) return Math.sign(b.length - a.length);
  const rank = (word: string | number | undefined): number => PRE_RANK[String(word)] ?? -1;
  const byWord = Math.sign(rank(a[0]) - rank(b[0]));
  if (byWord !== 0) return byWord;
  // `rc` < `rc.1`: a bare word is the first of its series.
  return Math.sign(Number(a[1] ?? -1) - Number(b[1] ?? -1));
}

/**
 * Orders two tags of the same shape: numbers part by part, then release above pre-release, then
 * the build number. Negative when `a` is older. Tags of different shapes are not comparable:
 * callers check `sameShape` first.
 */
export function compareTags(a: ParsedTag, b: ParsedTag): number {
  return (
    compareNumbers(a.numbers, b.numbers) ||
    comparePre(a.pre, b.pre) ||
    Math.sign((a.build?.number ?? 0) - (b.build?.number ?? 0))
  );
}
