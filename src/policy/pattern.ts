import { RE2JS } from 're2js';
import { TidewatchError } from '../domain/errors.js';

/**
 * A tag pattern from a label or an option, compiled with RE2 semantics (re2js): matching is linear
 * in the tag's length whatever the pattern, so a label cannot make a cycle hang on catastrophic
 * backtracking. Matches anywhere in the tag, as Go's `regexp.MatchString`; anchor with `^...$`.
 */
export interface TagPattern {
  readonly source: string;
  test(tag: string): boolean;
}

/** Compiles `source`; a pattern RE2 refuses throws `invalid-pattern` with RE2's reason. */
export function compileTagPattern(source: string): TagPattern {
  let compiled: RE2JS;
  try {
    compiled = RE2JS.compile(source);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new TidewatchError('invalid-pattern', `"${source}" is not an RE2 pattern: ${why}`, {
      cause: error,
    });
  }
  return { source, test: (tag) => compiled.test(tag) };
}
