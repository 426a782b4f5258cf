import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, storeFile, type UpdateRecord } from '../../src/store/index.js';
import { assertEngine, uniqueName } from '../lab/index.js';
import { startDaemon, type Daemon } from '../support/daemon.js';
import { expectExit, logLines, runCli } from '../support/tidewatch.js';

const DIGEST = (char: string): string => `sha256:${char.repeat(64)}`;
const STEPS = ['pulled', 'old-renamed', 'new-created', 'new-started', 'verifying'] as const;
// history and forget must not need the engine: every run of theirs here points at none.
const NO_ENGINE = 'unix:///nonexistent/docker.sock';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tidewatch-history-'));
  dirs.push(dir);
  return dir;
}

/** A data dir seeded through the store's API, as the updater writes it. */
function seededDataDir(): string {
  const dir = tempDir();
  let now = Date.UTC(2026, 2, 1, 12, 0, 0);
  const store = openStore(storeFile(dir), { clock: () => now });
  try {
    const { journal, badDigests } = store;
    const committed = journal.plan({
      containerName: 'web',
      containerId: 'c1',
      image: 'registry.local/web:1',
      trigger: 'schedule',
      strategy: 'stop-first',
      fromDigest: DIGEST('a'),
      toDigest: DIGEST('b'),
    });
    for (const step of STEPS) journal.advance(committed, step);
    now += 12_000;
    journal.finish(committed, 'committed');
    now += 60_000;
    const rolledBack = journal.plan({
      containerName: 'api',
      containerId: 'c2',
      image: 'registry.local/api:2',
      trigger: 'cli',
      actor: 'cli:ops',
      strategy: 'start-first',
      fromDigest: DIGEST('c'),
      toDigest: DIGEST('d'),
    });
    // start-first verifies the new container before the original gives up its name.
    for (const step of ['pulled', 'new-created', 'new-started', 'verifying'] as const)
      journal.advance(rolledBack, step);
    now += 120_000;
    journal.finish(rolledBack, 'rolled-back', { reason: 'not healthy within 2m', logs: 'panic: no config' });
    badDigests.remember('api', DIGEST('d'), 'not healthy within 2m');
    now += 1000;
    badDigests.remember('api', DIGEST('e'), 'restarted during the window');
    now += 59_000;
    const failed = journal.plan({
      containerName: 'web',
      containerId: 'c3',
      image: 'registry.local/web:1',
      trigger: 'startup',
      strategy: 'stop-first',
      fromDigest: DIGEST('b'),
      toDigest: DIGEST('f'),
    });
    journal.finish(failed, 'failed', { reason: 'pull failed: 404' });
    now += 60_000;
    const inFlight = journal.plan({
      containerName: 'cache',
      containerId: 'c4',
      image: 'registry.local/cache:7',
      trigger: 'schedule',
      strategy: 'stop-first',
      fromDigest: DIGEST('1'),
      toDigest: DIGEST('2'),
    });
    journal.advance(inFlight, 'pulled');
  } finally {
    store.close();
  }
  return dir;
}

describe('tidewatch history and forget', () => {
  let dataDir: string;

  beforeAll(() => {
    dataDir = seededDataDir();
  });
  afterAll(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  const cli = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    runCli(args, { TIDEWATCH_DATA_DIR: dataDir, DOCKER_HOST: NO_ENGINE, ...env });

  it('prints the history as a table, newest first, without an engine', async () => {
    const result = await cli(['history']);
    expect(result.stderr).toBe('');
    expectExit(result);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ID\s+TIME\s+CONTAINER\s+FROM → TO\s+OUTCOME\s+DURATION\s+BY\s+REASON$/);
    expect(lines.slice(1).map((line) => line.split(/\s{2,}/))).toEqual([
      [
        '4',
        '2026-03-01T12:05:12Z',
        'cache',
        'sha256:111111111111 → sha256:222222222222',
        'pulled',
        '-',
        'schedule',
      ],
      [
        '3',
        '2026-03-01T12:04:12Z',
        'web',
        'sha256:bbbbbbbbbbbb → sha256:ffffffffffff',
        'failed',
        '0s',
        'startup',
        'pull failed: 404',
      ],
      [
        '2',
        '2026-03-01T12:01:12Z',
        'api',
        'sha256:cccccccccccc → sha256:dddddddddddd',
        'rolled-back',
        '2m',
        'cli:ops',
        'not healthy within 2m',
      ],
      [
        '1',
        '2026-03-01T12:00:00Z',
        'web',
        'sha256:aaaaaaaaaaaa → sha256:bbbbbbbbbbbb',
        'committed',
        '12s',
        'schedule',
      ],
    ]);
  });

  it('prints one JSON array with every field, and filters', async () => {
    const all = await cli(['history', '--json']);
    expectExit(all);
    const records = JSON.parse(all.stdout) as UpdateRecord[];
    expect(records.map((record) => record.id)).toEqual([4, 3, 2, 1]);
    expect(records[2]).toMatchObject({
      containerName: 'api',
      fromDigest: DIGEST('c'),
      toDigest: DIGEST('d'),
      state: 'rolled-back',
      strategy: 'start-first',
      trigger: 'cli',
      reason: 'not healthy within 2m',
      logs: 'panic: no config',
      startedAt: '2026-03-01T12:01:12.000Z',
      startedAtMs: Date.UTC(2026, 2, 1, 12, 1, 12),
      finishedAt: '2026-03-01T12:03:12.000Z',
      finishedAtMs: Date.UTC(2026, 2, 1, 12, 3, 12),
    });

    const ids = async (...args: string[]): Promise<number[]> => {
      const result = await cli(['history', '--json', ...args]);
      expectExit(result);
      return (JSON.parse(result.stdout) as UpdateRecord[]).map((record) => record.id);
    };
    expect(await ids('--container', 'web')).toEqual([3, 1]);
    expect(await ids('--outcome', 'rolled-back')).toEqual([2]);
    expect(await ids('--container', 'web', '--outcome', 'failed')).toEqual([3]);
    expect(await ids('--limit', '2')).toEqual([4, 3]);
  });

  it('takes --data-dir instead of TIDEWATCH_DATA_DIR, and says when there is nothing', async () => {
    const viaFlag = await runCli(['history', '--json', '--limit', '1', '--data-dir', dataDir], {
      DOCKER_HOST: NO_ENGINE,
    });
    expect((JSON.parse(viaFlag.stdout) as UpdateRecord[]).map((record) => record.id)).toEqual([4]);
    const empty = tempDir();
    const none = await runCli(['history', '--data-dir', empty], { DOCKER_HOST: NO_ENGINE });
    expectExit(none);
    expect(none.stdout).toBe(`No updates recorded: there is no store at ${storeFile(empty)} yet.\n`);
  });

  it('refuses a bad filter with one line and exit 2', async () => {
    const result = await cli(['history', '--outcome', 'ok']);
    expectExit(result, 2);
    expect(result.stderr).toBe('tidewatch: --outcome: expected committed, rolled-back, failed, got "ok"\n');
  });

  it('forgets the bad digests of a container, and exits 0 when there are none', async () => {
    const dir = seededDataDir();
    const first = await runCli(['forget', 'api'], { TIDEWATCH_DATA_DIR: dir, DOCKER_HOST: NO_ENGINE });
    expectExit(first);
    expect(first.stdout).toBe(
      'Forgot 2 bad digests of api (sha256:eeeeeeeeeeee, sha256:dddddddddddd); ' +
        'the next cycle may update it to those images again.\n',
    );
    const again = await runCli(['forget', 'api'], { TIDEWATCH_DATA_DIR: dir, DOCKER_HOST: NO_ENGINE });
    expect(again).toMatchObject({
      code: 0,
      stdout: 'No bad digests remembered for api: nothing to forget.\n',
      stderr: '',
    });
  });
});

describe('a data dir held by tidewatch run', () => {
  let dataDir: string;
  let daemon: Daemon | undefined;

  beforeAll(async () => {
    await assertEngine();
    dataDir = seededDataDir();
    daemon = await startDaemon(['--scope', uniqueName('history-scope'), '--interval', '1h'], {
      TIDEWATCH_DATA_DIR: dataDir,
      TIDEWATCH_WEBHOOK_SECRET: 'start-line-secret',
    });
  });
  afterAll(async () => {
    await daemon?.stop();
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('stops a second once at once, with the lock line naming the daemon, and exit 1', async () => {
    const result = await runCli(['once', '--scope', uniqueName('history-scope')], {
      TIDEWATCH_DATA_DIR: dataDir,
    });
    expectExit(result, 1);
    expect(result.stderr).toMatch(
      new RegExp(
        `^tidewatch: data dir ${dataDir} is in use by another Tidewatch \\(pid ${daemon?.pid} on [^)]+\\): ` +
          'stop it, or use another --data-dir\\n$',
      ),
    );
  });

  it('checks the lock before the engine: the same line with no engine at all', async () => {
    const result = await runCli(['once'], { TIDEWATCH_DATA_DIR: dataDir, DOCKER_HOST: NO_ENGINE });
    expectExit(result, 1);
    expect(result.stderr).toContain(
      `data dir ${dataDir} is in use by another Tidewatch (pid ${daemon?.pid} on `,
    );
  });

  it('still answers history, and forgets, while the daemon holds the lock', async () => {
    const history = await runCli(['history', '--json'], {
      TIDEWATCH_DATA_DIR: dataDir,
      DOCKER_HOST: NO_ENGINE,
    });
    expect(history.stderr).toBe('');
    // The seeded unfinished update (left at `pulled`) was recovered by the daemon at its start:
    // its containers do not exist here, so it is recorded as failed.
    const records = JSON.parse(history.stdout) as UpdateRecord[];
    expect(records.map((record) => record.state)).toEqual(['failed', 'failed', 'rolled-back', 'committed']);
    expect(records[0]?.reason).toContain('Tidewatch stopped during the update (at pulled)');
    const forget = await runCli(['forget', 'api'], { TIDEWATCH_DATA_DIR: dataDir, DOCKER_HOST: NO_ENGINE });
    expectExit(forget);
    expect(forget.stdout).toMatch(/^Forgot 2 bad digests of api /);
  });

  it('releases the data dir when the daemon stops: the next once runs', async () => {
    const stopping = daemon;
    daemon = undefined;
    expect(await stopping?.stop()).toBe(0);
    const lines = logLines(stopping?.stderr() ?? '');
    const messages = lines.map((line) => line.msg);
    // The first line says which Tidewatch, which engine API, which store, and what was configured.
    const first = lines[0] ?? {};
    expect(first.level).toBe('info');
    expect(String(first.time)).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(String(first.msg)).toMatch(/^tidewatch \d+\.\d+\.\d+\S* starting$/);
    expect(String(first.engineApi)).toMatch(/^1\.\d+$/);
    expect(typeof first.schemaVersion).toBe('number');
    expect(first.options).toMatchObject({ interval: '1h', webhookSecret: '***' });
    expect(stopping?.stderr()).not.toContain('start-line-secret');
    expect(messages.at(-1)).toBe('stopped');
    const once = await runCli(['once', '--scope', uniqueName('history-scope')], {
      TIDEWATCH_DATA_DIR: dataDir,
    });
    expect(once.stderr).not.toContain('in use');
    expectExit(once);
  });
});
