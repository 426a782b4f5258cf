/**
 * Image tags read as versions. The rule that keeps the peers' bugs out: two tags are compared only
 * when they have the same shape (see `shapeOf`): the same scheme, the same `v` prefix, the same
 * number of numeric parts, the same variant (`-alpine`) and the same kind of build suffix. So a
 * build number `168` is never ranked against `1.43.3`, `2024.10.1` (CalVer) never against `1.2.3`,
 * and `1.2-alpine` never moves to `1.3` (it has lost its variant). Pure.
 */

import { readDashedDate, readDotted, type DateForm, type TagScheme } from './tag-schemes.js';

export type { TagScheme } from './tag-schemes.js';

export interface ParsedTag {
  readonly raw: string;
  readonly scheme: TagScheme;
  /** How a date is written (`compact`, `dashed`, `dotted`); undefined for other schemes. */
  readonly form?: DateForm | undefined;
  /** `v` when the tag starts with one (kept as written, for the shape). */
  readonly prefix: string;
  readonly numbers: readonly number[];
  /** Pre-release identifiers: `rc.1`, `rc1` and Python's `0rc1` are `['rc', 1]`; empty for a release. */
  readonly pre: readonly (string | number)[];
  /** A post-release letter series right after the numbers: Checkmk's `2.5.0p13` is 13. */
  readonly post?: number | undefined;
  /**
   * Build or package revisions after the version, in order: `-r2`, `-ls168`, `-3`; linuxserver's
   * `1.26.2-r3-ls301` has two (the Alpine package's, then theirs).
   */
  readonly builds: readonly Build[];
  /** A commit id (`-cb3ebc72d`): says which build, orders nothing, not part of the shape. */
  readonly commit?: string | undefined;
  /** The variant suffix, as written: `alpine`, `slim-bookworm`, `alpine3.19`; empty for none. */
  readonly variant: string;
}

// Up to four dotted numbers; a letter series written without a dash (Python's `3.13.0rc2`,
// `3.7.0b1`, `3.12.0a4`; PHP's `8.4.0RC3`; Go's `1.24rc1`; Postgres's `17beta3`; Checkmk's
// `2.5.0p13`); Java's update number (`21.0.5_11`); then dash-separated suffixes.
const VERSION =
  /^([vV]?)(\d{1,18}(?:\.\d{1,18}){0,3})(?:(rc|alpha|beta|a|b|p)(\d{1,9}))?(?:_(\d{1,9}))?(?:-(.+))?$/i;
const ATTACHED_PRE: Readonly<Record<string, string>> = { a: 'alpha', b: 'beta' };
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
// A git commit id as the last suffix: hex, with a letter and a digit, 7 to 40 long.
const COMMIT = /^(?=[0-9a-f]*[a-f])(?=[0-9a-f]*\d)[0-9a-f]{7,40}$/;

export interface Build {
  readonly label: string;
  readonly number: number;
}

type Suffixes = Pick<ParsedTag, 'pre' | 'builds' | 'commit' | 'variant'>;

/** Reads `rc.1-ls3-alpine-cb3ebc72d`-like suffixes; undefined when one is empty (`1.2.3--x`). */
function readSuffixes(suffix: string | undefined, attachedPre: (string | number)[]): Suffixes | undefined {
  let pre = attachedPre;
  const builds: Build[] = [];
  let commit: string | undefined;
  const variant: string[] = [];
  for (const token of suffix === undefined ? [] : suffix.split('-')) {
    // Pre-release, builds and commit come before any variant word; after one, all is variant.
    const head = variant.length === 0;
    const preMatch = PRE.exec(token);
    const buildMatch = BUILD.exec(token);
    if (preMatch !== null && head && pre.length === 0 && builds.length === 0) {
      const word = (preMatch[1] ?? '').toLowerCase();
      pre = preMatch[2] === undefined ? [word] : [word, Number(preMatch[2])];
    } else if (buildMatch !== null && head && builds.length < 2) {
      builds.push({ label: (buildMatch[1] ?? '').toLowerCase(), number: Number(buildMatch[2]) });
    } else if (token === '') {
      return undefined;
    } else if (COMMIT.test(token) && head && commit === undefined) {
      commit = token;
    } else {
      variant.push(token);
    }
  }
  return { pre, builds, commit, variant: variant.join('-') };
}

/** Reads a tag. Never throws: a tag that is not a version is `named` (or `latest`). */
export function parseTag(raw: string): ParsedTag {
  const named = (scheme: 'latest' | 'named'): ParsedTag => ({
    raw,
    scheme,
    prefix: '',
    numbers: [],
    pre: [],
    builds: [],
    variant: '',
  });
  if (raw.toLowerCase() === 'latest') return named('latest');
  const dashedDate = readDashedDate(raw);
  if (dashedDate !== undefined) {
    const suffixes = readSuffixes(dashedDate.suffix, []);
    return suffixes === undefined ? named('named') : { raw, prefix: '', ...dashedDate.head, ...suffixes };
  }
  const match = VERSION.exec(raw);
  if (match === null) return named('named');
  const [, prefix = '', dotted = '', written, letterNumber, update, suffix] = match;
  const letter = written?.toLowerCase();
  const attachedPre =
    letter !== undefined && letter !== 'p' ? [ATTACHED_PRE[letter] ?? letter, Number(letterNumber)] : [];
  const suffixes = readSuffixes(suffix, attachedPre);
  if (suffixes === undefined) return named('named');
  // Java's update number is the first build of its version: `21.0.5_11` comes before `21.0.5_12`.
  const javaUpdate = update === undefined ? [] : [{ label: '_', number: Number(update) }];
  return {
    raw,
    prefix,
    ...readDotted(dotted.split('.')),
    ...(letter === 'p' ? { post: Number(letterNumber) } : {}),
    ...suffixes,
    builds: [...javaUpdate, ...suffixes.builds],
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
  // A date's plain revision (`2025-08-05-1`, a second build that day) is optional: same series.
  const optional = (build: Build): boolean => tag.scheme === 'date' && build.label === '';
  const build = tag.builds
    .filter((each) => !optional(each))
    .map((each) => `+${each.label}#`)
    .join('');
  const scheme = tag.form === undefined ? tag.scheme : `${tag.scheme}:${tag.form}`;
  return `${scheme}|${tag.prefix.toLowerCase()}|${tag.numbers.length}|${build}|${tag.variant}`;
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
 * the post-release letter series (`p13`), then the build number; a commit id orders nothing. Negative when `a` is older. Tags of different shapes are not comparable:
 * callers check `sameShape` first.
 */
export function compareTags(a: ParsedTag, b: ParsedTag): number {
  return (
    compareNumbers(a.numbers, b.numbers) ||
    comparePre(a.pre, b.pre) ||
    Math.sign((a.post ?? 0) - (b.post ?? 0)) ||
    compareNumbers(
      a.builds.map((build) => build.number),
      b.builds.map((build) => build.number),
    )
  );
}
