import { chmodSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertEngine, uniqueName } from '../lab/index.js';
import { startDaemon } from '../support/daemon.js';
import { eventually } from '../support/images.js';
import { MAIN, expectExit, logLines, runCli } from '../support/tidewatch.js';

/**
 * The shipped CLI keeps the bundle's compiled code between starts (src/boot/run-bundle.ts): the
 * first start writes the cache, the next uses it, a broken one is replaced, and a directory others
 * could write is never used. The start line says which (`compileCache`).
 */
describe('compile cache', () => {
  const root = mkdtempSync(join(tmpdir(), 'tw-compile-cache-it-'));
  const hash = readFileSync(join(MAIN, '..', 'tidewatch-main.cjs.sha256'), 'utf8').trim();
  beforeAll(assertEngine);
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  async function startLine(cacheDir: string): Promise<Record<string, unknown>> {
    const run = expectExit(
      await runCli(['once', '--scope', uniqueName('nobody')], { TIDEWATCH_COMPILE_CACHE: cacheDir }),
    );
    const line = logLines(run.stderr).find((entry) => String(entry.msg).endsWith(' starting'));
    expect(line, run.stderr).toBeDefined();
    return line ?? {};
  }
  const cacheFiles = (dir: string): string[] => readdirSync(dir);

  it('is written by the first start, used by the next, and replaced when broken', async () => {
    const dir = join(root, 'own');
    expect((await startLine(dir)).compileCache).toBe('written');
    const name = `${hash.slice(0, 32)}-${process.version}-${process.arch}.v8`;
    expect(cacheFiles(dir)).toEqual([name]);
    const file = join(dir, name);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    const written = statSync(file).mtimeMs;
    expect((await startLine(dir)).compileCache).toBe('used');
    expect(statSync(file).mtimeMs).toBe(written); // used, not written again

    writeFileSync(file, 'not a code cache');
    expect((await startLine(dir)).compileCache).toBe('written');
    expect(statSync(file).size).toBeGreaterThan(100_000);
    expect((await startLine(dir)).compileCache).toBe('used');
    expect(cacheFiles(dir)).toEqual([name]); // no partial file left
  });

  it('is written by a daemon that keeps running, ten seconds after its start', async () => {
    const dir = join(root, 'daemon');
    const daemon = await startDaemon(
      ['--scope', uniqueName('nobody'), '--interval', '1h', '--no-startup-check'],
      {
        TIDEWATCH_COMPILE_CACHE: dir,
        TIDEWATCH_DATA_DIR: mkdtempSync(join(root, 'data-')),
      },
    );
    try {
      const files = await eventually(
        () => cacheFiles(dir),
        (names) => names.length > 0,
        30_000,
      );
      expect(files).toHaveLength(1);
      expect(() => process.kill(daemon.pid, 0), 'still running').not.toThrow();
    } finally {
      await daemon.stop();
    }
  });

  it('is off when asked, and in a directory others can write', async () => {
    expect((await startLine('off')).compileCache).toBe('off');
    const shared = join(root, 'shared');
    expect((await startLine(shared)).compileCache).toBe('written');
    chmodSync(shared, 0o777);
    rmSync(join(shared, cacheFiles(shared)[0] ?? 'none'));
    expect((await startLine(shared)).compileCache).toBe('off');
    expect(cacheFiles(shared)).toEqual([]);
  });
});
