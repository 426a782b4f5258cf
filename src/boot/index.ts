// The loader itself (entry.ts, run-bundle.ts, compile-cache.ts) is built on its own into
// dist/bundle/tidewatch.js; the daemon only reads what it left for the start line.
export { compileCacheState, type CompileCacheState } from './state.js';
