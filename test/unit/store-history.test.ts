import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HistoryQuery, Store, UpdateOutcome, UpdateRecord } from '../../src/store/index.js';
import { fakeClock, openIn, planInput, useTempDirs, type FakeClock } from './store-fixtures.js';

const tempDir = useTempDirs('all');
const CONTAINERS = ['web', 'db', 'cache'];
const OUTCOMES: (UpdateOutcome | undefined)[] = ['committed', 'rolled-back', 'failed', undefined];
const MINUTE = 60_000;

let store: Store;
let time: FakeClock;
let all: UpdateRecord[];

/** Seeds 120 updates, one a minute, over three containers and every outcome (and some in flight). */
beforeAll(() => {
  time = fakeClock();
  store = openIn(tempDir(), time.clock);
  for (let index = 0; index < 120; index += 1) {
    const id = store.journal.plan(planInput({ containerName: CONTAINERS[index % 3] }));
    const outcome = OUTCOMES[index % 4];
    if (outcome === 'failed') store.journal.finish(id, 'failed', { reason: 'pull failed' });
    if (outcome === 'committed' || outcome === 'rolled-back') {
      for (const state of ['pulled', 'old-renamed', 'new-created', 'new-started', 'verifying'] as const) {
        store.journal.advance(id, state);
      }
      store.journal.finish(id, outcome);
    }
    time.tick(MINUTE);
  }
  all = store.history.list({ limit: 500 }).items;
});
afterAll(() => store.close());

/** Every page of a query, following the cursors. */
function pages(query: HistoryQuery): UpdateRecord[][] {
  const result: UpdateRecord[][] = [];
  let cursor: string | undefined;
  do {
    const page = store.history.list({ ...query, ...(cursor === undefined ? {} : { cursor }) });
    result.push(page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
  return result;
}

describe('history', () => {
  it('lists everything newest first', () => {
    expect(all).toHaveLength(120);
    const ids = all.map((update) => update.id);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
  });

  it('pages with a cursor: 50, 50, 20, no duplicates, nothing missed', () => {
    const result = pages({ limit: 50 });
    expect(result.map((page) => page.length)).toEqual([50, 50, 20]);
    expect(result.flat().map((update) => update.id)).toEqual(all.map((update) => update.id));
  });

  it('has no next page when the last page is exactly full', () => {
    expect(pages({ limit: 40 }).map((page) => page.length)).toEqual([40, 40, 40]);
    expect(store.history.list({ limit: 120 }).nextCursor).toBeNull();
  });

  it('stays stable while new updates are written between pages', () => {
    const first = store.history.list({ limit: 30 });
    const added = store.journal.plan(planInput({ containerName: 'late' }));
    const second = store.history.list({ limit: 30, cursor: first.nextCursor ?? '' });
    expect(second.items.map((update) => update.id)).toEqual(all.slice(30, 60).map((update) => update.id));
    expect(store.history.list({ limit: 1 }).items[0]?.id).toBe(added);
  });

  const since = Date.UTC(2026, 0, 1) + 30 * MINUTE;
  const until = Date.UTC(2026, 0, 1) + 90 * MINUTE;
  it.each<[string, HistoryQuery, (update: UpdateRecord) => boolean]>([
    ['container', { container: 'db' }, (u) => u.containerName === 'db'],
    ['outcome', { outcome: 'rolled-back' }, (u) => u.state === 'rolled-back'],
    ['since', { since }, (u) => u.startedAt >= since],
    ['until', { until }, (u) => u.startedAt < until],
    [
      'all of them',
      { container: 'web', outcome: 'committed', since, until },
      (u) =>
        u.containerName === 'web' && u.state === 'committed' && u.startedAt >= since && u.startedAt < until,
    ],
  ])('filters by %s, across pages', (_name, query, keep) => {
    // Read afresh: other tests add updates to this store.
    const expected = store.history
      .list({ limit: 500 })
      .items.filter(keep)
      .map((update) => update.id);
    expect(expected.length).toBeGreaterThan(0);
    const result = pages({ ...query, limit: 7 });
    expect(result.flat().map((update) => update.id)).toEqual(expected);
  });

  it('gets one update by id, or nothing', () => {
    const some = all[17];
    expect(some).toBeDefined();
    expect(store.history.get(some?.id ?? 0)).toEqual(some);
    expect(store.history.get(999_999)).toBeUndefined();
  });

  it.each<[string, unknown]>([
    ['a limit over the maximum', { limit: 501 }],
    ['a zero limit', { limit: 0 }],
    ['a cursor it did not make', { cursor: 'abc' }],
    ['an unknown outcome', { outcome: 'planned' }],
    ['an unknown filter', { image: 'nginx' }],
  ])('rejects %s', (_name, query) => {
    expect(() => store.history.list(query as HistoryQuery)).toThrow(
      expect.objectContaining({ code: 'HISTORY_BAD_QUERY' }),
    );
  });
});
