import { lstatSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { makeDirs } from '../domain/dirs.js';
import { writeWholeFileSync } from '../domain/whole-file.js';

/**
 * Where V8's compiled code for the bundle is kept between starts (docs/performance.md, "Compile
 * cache"). `TIDEWATCH_COMPILE_CACHE` names a directory, or is `off`; by default a directory of this
 * user's in the temp dir, as Node 22's own compile cache does. Undefined: compile every time, which
 * costs only the saving (a read-only or foreign directory must never stop Tidewatch).
 *
 * The directory must be this user's and writable by nobody else: V8 runs what it finds there
 * without checking more than its version, so a cache another user could write would run their code.
 */
export function compileCacheDir(
  env: NodeJS.ProcessEnv,
  uid: number | undefined = process.getuid?.(),
): string | undefined {
  const setting = env.TIDEWATCH_COMPILE_CACHE;
  if (setting === 'off') return undefined;
  const dir =
    setting !== undefined && setting !== ''
      ? setting
      : join(tmpdir(), uid === undefined ? 'tidewatch-compile-cache' : `tidewatch-compile-cache-${uid}`);
  try {
    makeDirs(dir, 0o700);
    return isPrivate(dir, uid) ? dir : undefined;
  } catch {
    return undefined;
  }
}

/** A real directory (not a link), owned by `uid`, that neither its group nor others can write. */
function isPrivate(dir: string, uid: number | undefined): boolean {
  const stat = lstatSync(dir);
  if (!stat.isDirectory()) return false;
  // Without user ids (Windows) there is no owner nor mode to check.
  return uid === undefined || (stat.uid === uid && (stat.mode & 0o022) === 0);
}

/**
 * The cache file for one bundle on one Node: keyed by the bundle's content hash, because V8 checks
 * only the source's length, and a cache of another bundle of the same length would run wrong code.
 * V8 itself refuses a cache from another V8 version or other flags (then it is written again).
 */
export function cacheFile(dir: string, bundleHash: string): string {
  return join(dir, `${bundleHash.slice(0, 32)}-${process.version}-${process.arch}.v8`);
}

export function readCache(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined; // none yet
  }
}

/** A cache file's name: what cacheFile makes, and nothing else in the directory. */
const CACHE_NAME = /^[0-9a-f]{32}-v\d+\.\d+\.\d+-[a-z0-9]+\.v8$/;

/**
 * Written whole or not at all, so two starts at once never read half a cache. The caches of other
 * builds or Nodes go (1.5 MB each, one more at every upgrade); if two versions take turns on one
 * directory, each start of either writes its own again, which costs that start only the saving.
 */
export function writeCache(file: string, data: Buffer): void {
  try {
    writeWholeFileSync(file, data, 0o600);
    for (const name of readdirSync(dirname(file)))
      if (CACHE_NAME.test(name) && name !== basename(file))
        rmSync(join(dirname(file), name), { force: true });
  } catch {
    // A full or read-only disk: the next start compiles again.
  }
}
