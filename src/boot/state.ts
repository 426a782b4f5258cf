/**
 * What happened to the compile cache at this start (src/boot/run-bundle.ts), for the start line:
 * `used` (V8 took it), `written` (there was none, or V8 refused it: this process writes one),
 * `off` (no usable directory), `source-maps` (node --enable-source-maps: loaded as Node would, so
 * that stack traces are mapped; uncached). Absent when not started from the bundle (unit tests).
 */
export type CompileCacheState = 'used' | 'written' | 'off' | 'source-maps';

/** A global the loader sets before the bundle runs: the two are separate scripts. */
export const COMPILE_CACHE_STATE = Symbol.for('tidewatch.compileCache');

export function compileCacheState(): CompileCacheState | undefined {
  return (globalThis as Record<symbol, CompileCacheState | undefined>)[COMPILE_CACHE_STATE];
}
