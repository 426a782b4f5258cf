import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cacheFile, compileCacheDir, writeCache } from '../../src/boot/compile-cache.js';

/** Which directory the bundle's compiled code may be kept in: only one nobody else can write. */
describe('compile cache directory', () => {
  const root = mkdtempSync(join(tmpdir(), 'tw-compile-cache-'));
  const uid = statSync(root).uid;
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('is off when asked', () => {
    expect(compileCacheDir({ TIDEWATCH_COMPILE_CACHE: 'off' }, uid)).toBeUndefined();
  });

  it('is the directory named, created private', () => {
    const dir = join(root, 'named', 'deeper');
    expect(compileCacheDir({ TIDEWATCH_COMPILE_CACHE: dir }, uid)).toBe(dir);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(join(root, 'named')).mode & 0o777).toBe(0o700);
  });

  it('is by default one per user in the temp dir', () => {
    expect(compileCacheDir({}, uid)).toBe(join(tmpdir(), `tidewatch-compile-cache-${uid}`));
  });

  it('refuses a directory its group or others can write', () => {
    const dir = join(root, 'shared');
    mkdirSync(dir);
    chmodSync(dir, 0o777);
    expect(compileCacheDir({ TIDEWATCH_COMPILE_CACHE: dir }, uid)).toBeUndefined();
    chmodSync(dir, 0o775);
    expect(compileCacheDir({ TIDEWATCH_COMPILE_CACHE: dir }, uid)).toBeUndefined();
    chmodSync(dir, 0o755);
    expect(compileCacheDir({ TIDEWATCH_COMPILE_CACHE: dir }, uid)).toBe(dir);
  });

  it('refuses a directory another user owns, and a link to one', () => {
    const dir = join(root, 'theirs');
    mkdirSync(dir, { mode: 0o700 });
    expect(compileCacheDir({ TIDEWATCH_COMPILE_CACHE: dir }, uid + 1)).toBeUndefined();
    const link = join(root, 'link');
    symlinkSync(dir, link);
    expect(compileCacheDir({ TIDEWATCH_COMPILE_CACHE: link }, uid)).toBeUndefined();
  });

  it('refuses, at once, a path it cannot make a directory of', () => {
    // Node 20's recursive mkdir never returns for this one.
    expect(compileCacheDir({ TIDEWATCH_COMPILE_CACHE: '/proc/tidewatch-cache/x' }, uid)).toBeUndefined();
    writeFileSync(join(root, 'a-file'), '');
    expect(compileCacheDir({ TIDEWATCH_COMPILE_CACHE: join(root, 'a-file', 'below') }, uid)).toBeUndefined();
  });

  it('keys the cache by the bundle, the Node version and the machine', () => {
    const hash = 'ab'.repeat(32);
    expect(cacheFile('/c', hash)).toBe(`/c/${'ab'.repeat(16)}-${process.version}-${process.arch}.v8`);
    expect(cacheFile('/c', 'cd'.repeat(32))).not.toBe(cacheFile('/c', hash));
  });

  it('writes the cache whole and removes the caches of other builds, nothing else', () => {
    const dir = join(root, 'prune');
    mkdirSync(dir, { mode: 0o700 });
    const other = `${'0'.repeat(32)}-v18.20.0-arm64.v8`;
    for (const name of [other, 'notes.txt', 'old.v8']) writeFileSync(join(dir, name), 'x');
    const file = cacheFile(dir, 'ab'.repeat(32));
    writeCache(file, Buffer.from('cache'));
    expect(readFileSync(file, 'utf8')).toBe('cache');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir).sort()).toEqual([basename(file), 'notes.txt', 'old.v8'].sort());
  });
});
