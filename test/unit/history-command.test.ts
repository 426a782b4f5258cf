import { withIsoTimes } from '../../src/cli/json-times.js';
import { describe, expect, it } from 'vitest';
import { forgetCommand, historyCommand, historyQuery } from '../../src/cli/index.js';
import { openStoreReadOnly, storeFile, type Store, type UpdateRecord } from '../../src/store/index.js';
import { fakeClock, openIn, planInput, useTempDirs } from './store-fixtures.js';

const tempDir = useTempDirs();
const A = `sha256:${'a'.repeat(64)}`;
const B = `sha256:${'b'.repeat(64)}`;
const C = `sha256:${'c'.repeat(64)}`;
const STEPS = ['pulled', 'old-renamed', 'new-created', 'new-started', 'verifying'] as const;

/** Three finished updates and one in flight, from 2026-01-01T00:00:00Z on. */
function seed(store: Store, tick: (ms: number) => void): void {
  const committed = store.journal.plan(planInput({ fromDigest: A, toDigest: B, trigger: 'schedule' }));
  for (const step of STEPS) store.journal.advance(committed, step);
  tick(1500);
  store.journal.finish(committed, 'committed');
  tick(58_500);
  const rolledBack = store.journal.plan(
    planInput({
      containerName: 'db',
      fromDigest: A,
      toDigest: C,
      fromTag: '16',
      toTag: '17',
      trigger: 'cli',
      actor: 'cli:ops',
    }),
  );
  for (const step of STEPS) store.journal.advance(rolledBack, step);
  tick(90_000);
  store.journal.finish(rolledBack, 'rolled-back', { reason: 'unhealthy after 1m30s\nlast check: exit 1' });
  tick(60_000);
  const failed = store.journal.plan(planInput({ fromDigest: B, toDigest: C, trigger: 'startup' }));
  store.journal.finish(failed, 'failed', { reason: 'pull failed: 404' });
  tick(60_000);
  const running = store.journal.plan(planInput({ containerName: 'cache', fromDigest: B, toDigest: C }));
  for (const step of STEPS) store.journal.advance(running, step);
}

function seeded(): string {
  const dir = tempDir();
  const time = fakeClock(Date.UTC(2026, 0, 1));
  const store = openIn(dir, time.clock);
  seed(store, (ms) => time.tick(ms));
  store.close();
  return storeFile(dir);
}

function run(command: (write: (text: string) => void) => number): { code: number; out: string } {
  let out = '';
  const code = command((text) => (out += text));
  return { code, out };
}

describe('tidewatch history', () => {
  it('prints a table, newest first, with the update in flight showing its step', () => {
    const file = seeded();
    const { code, out } = run((write) => historyCommand(file, {}, write));
    expect(code).toBe(0);
    expect(out.split('\n')).toEqual([
      'ID  TIME                  CONTAINER  FROM → TO                                        OUTCOME      DURATION  BY        REASON',
      '4   2026-01-01T00:04:30Z  cache      sha256:bbbbbbbbbbbb → sha256:cccccccccccc        verifying    -         schedule',
      '3   2026-01-01T00:03:30Z  web        sha256:bbbbbbbbbbbb → sha256:cccccccccccc        failed       0s        startup   pull failed: 404',
      '2   2026-01-01T00:01:00Z  db         16@sha256:aaaaaaaaaaaa → 17@sha256:cccccccccccc  rolled-back  1m30s     cli:ops   unhealthy after 1m30s last check: exit 1',
      '1   2026-01-01T00:00:00Z  web        sha256:aaaaaaaaaaaa → sha256:bbbbbbbbbbbb        committed    1s500ms   schedule',
      '',
    ]);
  });

  it('filters by container and outcome, and limits', () => {
    const file = seeded();
    const ids = (args: Parameters<typeof historyCommand>[1]): number[] =>
      (
        JSON.parse(run((write) => historyCommand(file, { ...args, json: true }, write)).out) as UpdateRecord[]
      ).map((record) => record.id);
    expect(ids({ container: 'web' })).toEqual([3, 1]);
    expect(ids({ container: '/web' })).toEqual([3, 1]);
    expect(ids({ outcome: 'rolled-back' })).toEqual([2]);
    expect(ids({ container: 'web', outcome: 'committed' })).toEqual([1]);
    expect(ids({ limit: '2' })).toEqual([4, 3]);
    expect(ids({ container: 'nobody' })).toEqual([]);
  });

  it('prints every field with --json', () => {
    const file = seeded();
    const records = JSON.parse(
      run((write) => historyCommand(file, { json: true, outcome: 'rolled-back' }, write)).out,
    ) as UpdateRecord[];
    expect(records).toEqual([
      expect.objectContaining({
        id: 2,
        containerName: 'db',
        fromDigest: A,
        toDigest: C,
        fromTag: '16',
        toTag: '17',
        state: 'rolled-back',
        reason: 'unhealthy after 1m30s\nlast check: exit 1',
        trigger: 'cli',
        strategy: 'stop-first',
        // Times as ISO 8601 UTC, the epoch milliseconds beside them (src/cli/json-times.ts).
        startedAt: '2026-01-01T00:01:00.000Z',
        startedAtMs: Date.UTC(2026, 0, 1, 0, 1),
        finishedAt: '2026-01-01T00:02:30.000Z',
        finishedAtMs: Date.UTC(2026, 0, 1, 0, 2, 30),
      }),
    ]);
    // Every field of the store's record, nothing renamed or left out.
    const reader = openStoreReadOnly(file);
    expect(records[0]).toEqual(withIsoTimes(reader?.history.get(2)));
    reader?.close();
  });

  it('says when more updates than the limit exist', () => {
    const { out } = run((write) => historyCommand(seeded(), { limit: '1' }, write));
    expect(out.trimEnd().split('\n').at(-1)).toBe('(the newest 1; --limit 500 shows more)');
  });

  it('says there is nothing, with or without a store', () => {
    const empty = storeFile(tempDir());
    expect(run((write) => historyCommand(empty, {}, write)).out).toBe(
      `No updates recorded: there is no store at ${empty} yet.\n`,
    );
    expect(run((write) => historyCommand(empty, { json: true }, write)).out).toBe('[]\n');
    const dir = tempDir();
    openIn(dir).close();
    expect(run((write) => historyCommand(storeFile(dir), {}, write)).out).toBe('No updates recorded.\n');
    expect(run((write) => historyCommand(seeded(), { container: 'nobody' }, write)).out).toBe(
      'No updates match.\n',
    );
  });

  it.each([
    [{ outcome: 'ok' }, '--outcome: expected committed, rolled-back, failed, got "ok"'],
    [{ outcome: 'verifying' }, '--outcome: expected committed, rolled-back, failed, got "verifying"'],
    [{ limit: '0' }, '--limit: expected a whole number from 1 to 500, got "0"'],
    [{ limit: '501' }, '--limit: expected a whole number from 1 to 500, got "501"'],
    [{ limit: 'all' }, '--limit: expected a whole number from 1 to 500, got "all"'],
    [{ container: ' ' }, '--container: expected a container name'],
  ])('rejects %j with one line (exit 2)', (args, message) => {
    expect(() => historyQuery(args)).toThrow(message);
    expect(() => historyQuery(args)).toThrow(expect.objectContaining({ code: 'invalid-argument' }));
  });
});

describe('tidewatch forget', () => {
  it('forgets the bad digests of one container and says how many', () => {
    const dir = tempDir();
    const store = openIn(dir);
    store.badDigests.remember('web', B, 'unhealthy');
    store.badDigests.remember('web', C, 'restarted');
    store.badDigests.remember('db', C, 'unhealthy');
    store.close();
    const first = run((write) => forgetCommand(storeFile(dir), 'web', write));
    expect(first).toEqual({
      code: 0,
      out: 'Forgot 2 bad digests of web (sha256:bbbbbbbbbbbb, sha256:cccccccccccc); the next cycle may update it to those images again.\n',
    });
    expect(run((write) => forgetCommand(storeFile(dir), 'web', write))).toEqual({
      code: 0,
      out: 'No bad digests remembered for web: nothing to forget.\n',
    });
    expect(run((write) => forgetCommand(storeFile(dir), '/db', write)).out).toContain(
      'Forgot 1 bad digest of db (sha256:cccccccccccc); the next cycle may update it to that image again.',
    );
  });

  it('is no error without a store', () => {
    expect(run((write) => forgetCommand(storeFile(tempDir()), 'web', write))).toEqual({
      code: 0,
      out: 'No bad digests remembered for web: nothing to forget.\n',
    });
  });
});
