import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import vm from 'node:vm';
import { cacheFile, compileCacheDir, readCache, writeCache } from './compile-cache.js';
import { COMPILE_CACHE_STATE, type CompileCacheState } from './state.js';

/**
 * The cache is written once the process has run this long (or at its exit, if sooner), so it holds
 * the code a start compiled, not only the top level.
 */
const SAVE_AFTER_MS = 10_000;

/**
 * Runs the daemon's CommonJS bundle (scripts/bundle.js) as Node would `require` it, but compiled
 * through `vm.Script` with V8's code cache, which Node 20 offers no other way: about 70 ms less at
 * every start after the first (docs/performance.md). `importPackage` does the bundle's `import()` of the optional
 * packages, which code compiled by `vm` cannot do itself without an experimental flag.
 */
export function runBundle(
  bundleFile: string,
  bundleHash: string | undefined,
  importPackage: (name: string) => Promise<unknown>,
): void {
  if (process.sourceMapsEnabled) {
    // Node maps stack traces (node --enable-source-maps) only in the modules it loads itself, never
    // in code compiled by vm: a start that asks for them loads the bundle as Node would, uncached.
    setState('source-maps');
    (globalThis as Record<string, unknown>).__tidewatchImport = importPackage;
    createRequire(import.meta.url)(bundleFile);
    return;
  }
  const source = readFileSync(bundleFile, 'latin1'); // ASCII: the bundle is built so
  const dir = bundleHash === undefined ? undefined : compileCacheDir(process.env);
  const file = dir === undefined || bundleHash === undefined ? undefined : cacheFile(dir, bundleHash);
  const cachedData = file === undefined ? undefined : readCache(file);
  const script = new vm.Script(
    `(function (exports, require, module, __filename, __dirname, __tidewatchImport) {${source}\n})`,
    { filename: bundleFile, ...(cachedData !== undefined && { cachedData }) },
  );
  const used = cachedData !== undefined && !script.cachedDataRejected;
  const state: CompileCacheState = file === undefined ? 'off' : used ? 'used' : 'written';
  setState(state);
  if (state === 'written' && file !== undefined) saveLater(script, file);
  const module = { exports: {} };
  const run = script.runInThisContext() as (...args: unknown[]) => void;
  run(module.exports, createRequire(bundleFile), module, bundleFile, dirname(bundleFile), importPackage);
}

function setState(state: CompileCacheState): void {
  (globalThis as Record<symbol, unknown>)[COMPILE_CACHE_STATE] = state;
}

function saveLater(script: vm.Script, file: string): void {
  let saved = false;
  const save = (): void => {
    if (saved) return;
    saved = true;
    writeCache(file, script.createCachedData());
  };
  setTimeout(save, SAVE_AFTER_MS).unref();
  process.once('exit', save);
}
