import { createRequire } from 'node:module';
import type * as Re2js from 're2js';
import { TidewatchError } from '../domain/errors.js';

/**
 * re2js, loaded on the first pattern: only `tidewatch.tags.include`/`exclude` and `regex:` policies
 * use it, and loading it costs every start about 0.8 MB of heap (docs/performance.md).
 * Synchronous, so compiling a pattern stays synchronous.
 */
const require = createRequire(import.meta.url);

function re2js(): typeof Re2js {
  return require('re2js') as typeof Re2js;
}

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
  let compiled: Re2js.RE2JS;
  try {
    compiled = re2js().RE2JS.compile(source);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new TidewatchError('invalid-pattern', `"${source}" is not an RE2 pattern: ${why}`, {
      cause: error,
    });
  }
  return { source, test: (tag) => compiled.test(tag) };
}
