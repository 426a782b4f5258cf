import semver from 'semver';
import { TidewatchError } from '../domain/errors.js';
import { compileTagPattern, type TagPattern } from './pattern.js';

/**
 * What a container may be updated to:
 * - `digest`: the same tag, when it points at a new image (what Watchtower did)
 * - `patch`, `minor`, `major`: a newer tag of the same shape that keeps the first two parts,
 *   the first part, or anything (by position: major.minor.patch, and so for CalVer year.month.day)
 * - `semver:<range>`: a newer tag inside an npm-style semver range (`semver:~1.4`, `semver:>=2 <3`)
 * - `regex:<pattern>`: a newer tag of the same shape that matches an RE2 pattern
 * - `pin`: never; the container is not even checked
 *
 * Every tag policy also follows the current tag's digest while no newer tag wins.
 */
export type Policy =
  | { readonly kind: 'digest' }
  | { readonly kind: 'pin' }
  | { readonly kind: 'patch' }
  | { readonly kind: 'minor' }
  | { readonly kind: 'major' }
  | { readonly kind: 'semver'; readonly range: string }
  | { readonly kind: 'regex'; readonly pattern: TagPattern };

export type PolicyKind = Policy['kind'];

/** Policies that compare tags (the others never list a repository's tags). */
export function isTagPolicy(policy: Policy): boolean {
  return policy.kind !== 'digest' && policy.kind !== 'pin';
}

const SIMPLE = ['digest', 'pin', 'patch', 'minor', 'major'] as const;

function invalid(text: string, why: string): TidewatchError {
  return new TidewatchError('invalid-policy', `"${text}" ${why}`);
}

/** Reads a policy as written in `tidewatch.policy` or `--policy`; a bad one throws `invalid-policy`. */
export function parsePolicy(input: string): Policy {
  const text = input.trim();
  const lower = text.toLowerCase();
  const simple = SIMPLE.find((kind) => kind === lower);
  if (simple !== undefined) return { kind: simple };
  const colon = text.indexOf(':');
  const kind = colon === -1 ? '' : text.slice(0, colon).trim().toLowerCase();
  const argument = colon === -1 ? '' : text.slice(colon + 1).trim();
  if (kind === 'semver') {
    if (argument === '' || semver.validRange(argument) === null) {
      throw invalid(text, 'has no valid semver range after "semver:" (e.g. semver:~1.4, semver:>=2 <3)');
    }
    return { kind: 'semver', range: argument };
  }
  if (kind === 'regex') {
    if (argument === '') throw invalid(text, 'has no pattern after "regex:"');
    try {
      return { kind: 'regex', pattern: compileTagPattern(argument) };
    } catch (error) {
      throw invalid(
        text,
        error instanceof Error ? `has a bad pattern: ${error.message}` : 'has a bad pattern',
      );
    }
  }
  throw invalid(
    text,
    'is not a policy: expected digest, patch, minor, major, pin, semver:<range> or regex:<pattern>',
  );
}

/** The policy as a user writes it, for check output and logs. */
export function formatPolicy(policy: Policy): string {
  switch (policy.kind) {
    case 'semver':
      return `semver:${policy.range}`;
    case 'regex':
      return `regex:${policy.pattern.source}`;
    case 'digest':
    case 'pin':
    case 'patch':
    case 'minor':
    case 'major':
      return policy.kind;
  }
}
