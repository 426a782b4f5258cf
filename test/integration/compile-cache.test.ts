import { chmodSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertEngine, uniqueName } from '../lab/index.js';
import { startDaemon } from '../support/daemon.js';
import { eventually } from '../support/images.js';
import { MAIN, cliEnv, expectExit, logLines, runCli } from '../support/tidewatch.js';

/**
 * The shipped CLI keeps the bundle's compiled code between starts (src/boot/run-bundle.ts): the
 * first start writes the cache, the next uses it, a broken one is replaced, and a directory others
 * could write is never used. The start line says which (`compileCache`).
 */
const PROBE = fileURLToPath(new URL('../support/source-map-probe.mjs', import.meta.url));

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

  it('is left aside under node --enable-source-maps, so stack traces map to the sources', () => {
    // Where the bundle defines a function of src/cli/usage-error.ts, as a zero-based line and column.
    const bundle = join(MAIN, '..', 'tidewatch-main.cjs');
    const before = readFileSync(bundle, 'latin1').split('function usageError(')[0] ?? '';
    const lines = before.split('\n');
    const child = spawnSync(
      process.execPath,
      ['--enable-source-maps', '--import', PROBE, MAIN, 'once', '--scope', uniqueName('nobody')],
      {
        env: cliEnv({
          TIDEWATCH_DATA_DIR: mkdtempSync(join(root, 'data-')),
          TIDEWATCH_COMPILE_CACHE: join(root, 'maps'),
          TIDEWATCH_TEST_MAP_FILE: bundle,
          TIDEWATCH_TEST_MAP_LINE: String(lines.length - 1),
          TIDEWATCH_TEST_MAP_COLUMN: String(lines.at(-1)?.length ?? 0),
        }),
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    expect(child.status, child.stderr).toBe(0);
    const start = logLines(child.stderr).find((entry) => String(entry.msg).endsWith(' starting'));
    expect(start?.compileCache).toBe('source-maps');
    expect(child.stderr).toMatch(/^mapped to: .*src\/cli\/usage-error\.ts$/m);
  });
});
