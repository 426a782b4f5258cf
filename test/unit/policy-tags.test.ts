import { describe, expect, it } from 'vitest';
import { parseImageRef } from '../../src/domain/index.js';
import {
  chooseTag,
  compareTags,
  compileTagPattern,
  parsePolicy,
  parseTag,
  sameShape,
  type TagFilters,
} from '../../src/policy/index.js';
import { targetImage } from '../../src/updater/update-container.js';

/**
 * The tag table: from a current tag and what the registry lists, which tag a policy picks
 * (undefined: none newer, the current tag's digest is followed). Rows marked "peer bug" are
 * mistakes other updaters make that this table pins down.
 */
type Row = readonly [
  label: string,
  current: string,
  tags: readonly string[],
  policy: string,
  expected: string | undefined,
  filters?: { include?: string; exclude?: string },
];

const SEMVER = ['1.0.0', '1.0.1', '1.1.2', '2.0.0'];

const TABLE: readonly Row[] = [
  // The done-when row.
  ['minor keeps the major', '1.0.0', SEMVER, 'minor', '1.1.2'],
  ['patch keeps major.minor', '1.0.0', SEMVER, 'patch', '1.0.1'],
  ['major takes anything newer', '1.0.0', SEMVER, 'major', '2.0.0'],
  ['digest never changes tag', '1.0.0', SEMVER, 'digest', undefined],
  ['pin never changes tag', '1.0.0', SEMVER, 'pin', undefined],
  ['nothing newer', '2.0.0', SEMVER, 'major', undefined],
  ['older tags are never chosen', '1.1.2', ['1.0.0', '1.0.1', '1.1.2'], 'major', undefined],
  ['numeric, not lexicographic order', '1.9.0', ['1.9.0', '1.10.0', '1.2.0'], 'minor', '1.10.0'],
  ['numeric patch order', '1.0.9', ['1.0.10', '1.0.9', '1.0.11'], 'patch', '1.0.11'],
  // Optional v.
  ['v prefix', 'v1.2.3', ['v1.2.4', 'v1.3.0', 'v2.0.0'], 'minor', 'v1.3.0'],
  ['v and plain tags are different shapes', 'v1.2.3', ['1.2.9', 'v1.2.4'], 'patch', 'v1.2.4'],
  ['plain does not move to v', '1.2.3', ['v1.2.9'], 'patch', undefined],
  // 1 to 4 numeric parts; only the same number of parts compared.
  ['two parts', '1.4', ['1.4', '1.5', '1.5.1', '2.0'], 'minor', '1.5'],
  ['two parts, patch: nothing newer keeps 1.4', '1.4', ['1.5', '1.4.1'], 'patch', undefined],
  ['one part (a major tag)', '16', ['16', '17', '17.1', '18-alpine'], 'major', '17'],
  ['one part, minor: the major is the whole tag', '16', ['17'], 'minor', undefined],
  ['four parts', '1.2.3.4', ['1.2.3.5', '1.2.4.0', '1.2.4'], 'patch', '1.2.4.0'],
  ['four parts, fourth only', '1.2.3.4', ['1.2.3.5', '1.2.3'], 'patch', '1.2.3.5'],
  ['three parts ignore four-part tags', '1.2.3', ['1.2.3.1', '1.2.4.0'], 'major', undefined],
  ['five parts are not a version', '1.2.3.4.5', ['1.2.3.4.6'], 'major', undefined],
  // Variants: only the same variant.
  [
    'peer bug: -alpine keeps its variant',
    '1.2-alpine',
    ['1.3', '1.3-alpine', '1.4-bookworm'],
    'minor',
    '1.3-alpine',
  ],
  ['plain stays plain', '1.2', ['1.3-alpine', '1.3-bookworm'], 'minor', undefined],
  [
    'bookworm variant',
    '3.11.4-bookworm',
    ['3.11.5-bookworm', '3.12.0-bookworm', '3.11.6'],
    'patch',
    '3.11.5-bookworm',
  ],
  [
    'compound variant',
    '8.0.1-slim-bookworm',
    ['8.0.2-slim-bookworm', '8.0.3-bookworm'],
    'patch',
    '8.0.2-slim-bookworm',
  ],
  [
    'variant with its own version must match exactly',
    '1.25.3-alpine3.18',
    ['1.25.4-alpine3.18', '1.25.5-alpine3.19'],
    'patch',
    '1.25.4-alpine3.18',
  ],
  ['variant case is part of it', '1.0-Alpine', ['1.1-alpine'], 'minor', undefined],
  // Pre-releases: only when the current tag is one.
  ['release does not move to a pre-release', '1.2.3', ['1.2.4-rc.1', '1.3.0-beta'], 'minor', undefined],
  ['release moves past pre-releases to a release', '1.2.3', ['1.2.4-rc.1', '1.2.4'], 'minor', '1.2.4'],
  ['pre-release moves to its release', '1.2.3-rc.1', ['1.2.3-rc.2', '1.2.3'], 'patch', '1.2.3'],
  [
    'pre-release moves to a later pre-release',
    '1.2.3-rc.1',
    ['1.2.3-rc.2', '1.2.3-beta.9'],
    'patch',
    '1.2.3-rc.2',
  ],
  ['rc after beta after alpha', '2.0.0-alpha', ['2.0.0-beta', '2.0.0-alpha.3'], 'patch', '2.0.0-beta'],
  ['rc1 without a dot', '2.0.0-rc1', ['2.0.0-rc2', '2.0.0-rc10'], 'patch', '2.0.0-rc10'],
  [
    'pre-release with a variant',
    '1.0.0-rc.1-alpine',
    ['1.0.0-rc.2-alpine', '1.0.0-alpine'],
    'patch',
    '1.0.0-alpine',
  ],
  // CalVer and dates.
  ['peer bug: CalVer is not semver', '1.2.3', ['2024.10.1', '1.2.4'], 'major', '1.2.4'],
  ['CalVer moves within CalVer', '2024.10.1', ['2024.10.2', '2024.11.0', '2025.1.0'], 'major', '2025.1.0'],
  ['CalVer minor keeps the year', '2024.10.1', ['2024.11.0', '2025.1.0'], 'minor', '2024.11.0'],
  ['CalVer with leading zeros', '2024.01.05', ['2024.01.12', '2024.02.01'], 'patch', '2024.01.12'],
  ['CalVer never moves to semver', '2024.10.1', ['2025.0.0', '3.0.0'], 'major', '2025.0.0'],
  ['dates compare as dates', '20240101', ['20240315', '20231231', '20240102'], 'major', '20240315'],
  ['a date is not a build number', '20240101', ['20240102', '168'], 'major', '20240102'],
  ['dates with time', '202401011230', ['202401021200', '20240103'], 'major', '202401021200'],
  [
    'a commit suffix says which build, it is not a variant',
    '20240101-abc1234',
    ['20240102-def5678'],
    'major',
    '20240102-def5678',
  ],
  // Build numbers.
  ['peer bug: build number 168 is not above 1.43.3', '1.43.3', ['168', '1.43.4'], 'major', '1.43.4'],
  ['build numbers move among build numbers', '168', ['169', '170', '1.43.3'], 'major', '170'],
  [
    'linuxserver build suffix',
    '1.43.3-ls168',
    ['1.43.3-ls170', '1.43.4-ls171', '1.43.4'],
    'patch',
    '1.43.4-ls171',
  ],
  ['same version, newer build', '1.43.3-ls168', ['1.43.3-ls169'], 'patch', '1.43.3-ls169'],
  ['alpine revision', '3.1.4-r0', ['3.1.4-r1', '3.1.5-r0'], 'patch', '3.1.5-r0'],
  [
    'debian-style revision with a variant',
    '2.4-1-alpine',
    ['2.4-2-alpine', '2.5-1'],
    'minor',
    '2.4-2-alpine',
  ],
  ['build suffix tags do not move to plain tags', '1.2.3', ['1.2.4-r0'], 'patch', undefined],
  // latest and names.
  ['latest has no version', 'latest', ['1.0.0', '2.0.0'], 'major', undefined],
  ['named tags have no version', 'stable', ['stable-2'], 'major', undefined],
  ['named tags in the list are ignored', '1.0.0', ['latest', 'stable', 'edge', '1.0.1'], 'patch', '1.0.1'],
  // semver ranges.
  ['semver tilde', '1.4.2', ['1.4.9', '1.5.0'], 'semver:~1.4', '1.4.9'],
  ['semver caret', '1.4.2', ['1.4.9', '1.9.0', '2.0.0'], 'semver:^1.4', '1.9.0'],
  ['semver explicit range', '1.4.2', ['2.1.0', '2.9.9', '3.0.0'], 'semver:>=2 <3', '2.9.9'],
  ['semver on two-part tags', '1.4', ['1.5', '1.6', '2.0'], 'semver:<1.6', '1.5'],
  ['semver range and pre-releases', '1.0.0-rc.1', ['1.0.0-rc.2', '1.0.0'], 'semver:^1.0.0-rc.1', '1.0.0'],
  ['semver respects variants too', '1.4.2-alpine', ['1.4.3', '1.4.4-alpine'], 'semver:~1.4', '1.4.4-alpine'],
  // regex (RE2).
  ['regex limits candidates', '1.0.0', ['1.0.1', '1.1.0', '2.0.0'], 'regex:^1\\.', '1.1.0'],
  ['regex that matches nothing newer', '1.0.0', ['2.0.0'], 'regex:^1\\.', undefined],
  ['regex still needs the same shape', '1.0.0', ['1.1.0-alpine', '1.0.5'], 'regex:.*', '1.0.5'],
  // Include / exclude filters.
  ['include', '1.0.0', ['1.0.1', '1.1.0'], 'minor', '1.0.1', { include: '^1\\.0\\.' }],
  ['exclude', '1.0.0', ['1.0.1', '1.1.0', '1.2.0'], 'minor', '1.1.0', { exclude: '^1\\.2\\.' }],
  [
    'include and exclude',
    '1.0.0',
    ['1.0.1', '1.0.2', '1.1.0'],
    'major',
    '1.0.1',
    { include: '^1\\.0', exclude: '2$' },
  ],
  [
    'filters never make a different shape eligible',
    '1.0',
    ['1.1-alpine'],
    'major',
    undefined,
    { include: 'alpine' },
  ],
  ['empty tag list', '1.0.0', [], 'major', undefined],
];

describe('the tag table', () => {
  it('has at least 60 rows', () => expect(TABLE.length).toBeGreaterThanOrEqual(60));

  for (const [label, current, tags, policy, expected, filters] of TABLE) {
    it(`${label}: ${current} with ${JSON.stringify(tags)} under ${policy}`, () => {
      const compiled: TagFilters = {
        ...(filters?.include !== undefined ? { include: compileTagPattern(filters.include) } : {}),
        ...(filters?.exclude !== undefined ? { exclude: compileTagPattern(filters.exclude) } : {}),
      };
      const choice = chooseTag(current, tags, parsePolicy(policy), compiled);
      expect(choice.kind === 'newer' ? choice.tag : undefined).toBe(expected);
    });
  }
});

describe('parseTag', () => {
  it.each([
    ['1.2.3', { scheme: 'version', prefix: '', numbers: [1, 2, 3], pre: [], variant: '' }],
    ['v1.2', { scheme: 'version', prefix: 'v', numbers: [1, 2] }],
    ['1.2.3-rc.1', { pre: ['rc', 1], variant: '' }],
    ['1.2.3-beta', { pre: ['beta'] }],
    ['1.2-alpine', { numbers: [1, 2], variant: 'alpine', pre: [] }],
    ['1.43.3-ls168', { builds: [{ label: 'ls', number: 168 }], variant: '' }],
    ['2024.10.1', { scheme: 'calver', numbers: [2024, 10, 1] }],
    ['20240101', { scheme: 'date', numbers: [20240101] }],
    ['20241399', { scheme: 'version' }],
    ['168', { scheme: 'version', numbers: [168] }],
    ['latest', { scheme: 'latest' }],
    ['LATEST', { scheme: 'latest' }],
    ['stable', { scheme: 'named' }],
    ['1.2.3-', { scheme: 'named' }],
    ['1.2.3--alpine', { scheme: 'named' }],
  ])('%s', (tag, expected) => expect(parseTag(tag)).toMatchObject(expected));

  it('orders a release above its pre-releases, and builds after the version', () => {
    const order = ['1.0.0-dev', '1.0.0-alpha', '1.0.0-alpha.2', '1.0.0-beta', '1.0.0-rc.1', '1.0.0', '1.0.1'];
    const sorted = [...order].reverse().sort((a, b) => compareTags(parseTag(a), parseTag(b)));
    expect(sorted).toEqual(order);
  });

  it('compares only the same shape', () => {
    expect(sameShape(parseTag('1.2.3'), parseTag('1.2.4-rc.1'))).toBe(true);
    expect(sameShape(parseTag('1.2.3'), parseTag('1.2.3-alpine'))).toBe(false);
    expect(sameShape(parseTag('1.2.3'), parseTag('2024.1.1'))).toBe(false);
    expect(sameShape(parseTag('latest'), parseTag('latest'))).toBe(false);
  });
});

describe('parsePolicy', () => {
  it.each(['digest', 'pin', 'patch', 'minor', 'major', 'MINOR', 'semver:~1.4', 'regex:^1\\.'])(
    'reads %s',
    (text) => {
      expect(() => parsePolicy(text)).not.toThrow();
    },
  );
  it.each([
    ['newest', 'is not a policy'],
    ['semver:', 'no valid semver range'],
    ['semver:>>banana', 'no valid semver range'],
    ['regex:', 'no pattern'],
    ['regex:(a', 'bad pattern'],
    // RE2 has no backreferences: the pattern is refused, not run with backtracking.
    ['regex:(a)\\1', 'bad pattern'],
  ])('refuses %s', (text, message) => {
    expect(() => parsePolicy(text)).toThrow(message);
  });
});

describe('the reference a container moves to', () => {
  const move = (current: string, tag: string): string => {
    const ref = parseImageRef(current);
    return targetImage(current, ref, { ...ref, tag });
  };
  it.each([
    ['nginx:1.27', '1.28', 'nginx:1.28'],
    ['docker.io/library/nginx:1.27', '1.28', 'docker.io/library/nginx:1.28'],
    ['127.0.0.1:5000/team/app:1.0.0', '1.1.2', '127.0.0.1:5000/team/app:1.1.2'],
    ['nginx', '1.28', 'nginx:1.28'],
  ])('%s to %s is %s', (current, tag, expected) => expect(move(current, tag)).toBe(expected));

  it('keeps the reference when the tag does not change', () => {
    const ref = parseImageRef('nginx:1.27');
    expect(targetImage('nginx:1.27', ref, undefined)).toBe('nginx:1.27');
    expect(targetImage('nginx:1.27', ref, ref)).toBe('nginx:1.27');
  });
});
