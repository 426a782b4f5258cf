import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TidewatchError } from '../../src/domain/index.js';
import {
  LOG_LINES,
  UPDATE_STATES,
  canTransition,
  isFinished,
  type ProgressState,
  type Store,
  type UpdateOutcome,
  type UpdateState,
} from '../../src/store/index.js';
import { fakeClock, openIn, planInput, useTempDirs, type FakeClock } from './store-fixtures.js';

const tempDir = useTempDirs();
const sharedDir = useTempDirs('all');

// Every legal move; every other pair of states is illegal.
const LEGAL = new Set([
  'planned>pulled',
  'planned>failed',
  'pulled>old-renamed',
  'pulled>failed',
  'old-renamed>new-created',
  'old-renamed>rolled-back',
  'old-renamed>failed',
  'new-created>new-started',
  'new-created>rolled-back',
  'new-created>failed',
  'new-started>verifying',
  'new-started>rolled-back',
  'new-started>failed',
  'verifying>committed',
  'verifying>rolled-back',
  'verifying>failed',
]);

const FORWARD: ProgressState[] = ['pulled', 'old-renamed', 'new-created', 'new-started', 'verifying'];

// One store for the whole file: every test works on updates it plans itself.
let store: Store;
let time: FakeClock;
beforeAll(() => {
  time = fakeClock();
  store = openIn(sharedDir(), time.clock);
});
afterAll(() => store.close());

function move(id: number, to: UpdateState): void {
  if (isFinished(to)) store.journal.finish(id, to);
  else store.journal.advance(id, to);
}

/** A new update driven to `state` by legal moves. */
function updateIn(state: UpdateState): number {
  const id = store.journal.plan(planInput());
  const path: UpdateState[] = isFinished(state)
    ? [...(state === 'failed' ? [] : FORWARD), state]
    : FORWARD.slice(0, FORWARD.indexOf(state) + 1);
  for (const next of path) move(id, next);
  return id;
}

describe('the state machine', () => {
  const pairs = UPDATE_STATES.flatMap((from) => UPDATE_STATES.map((to) => [from, to] as const));

  it.each(pairs)('%s → %s', (from, to) => {
    const legal = LEGAL.has(`${from}>${to}`);
    expect(canTransition(from, to)).toBe(legal);
    const id = updateIn(from);
    expect(store.history.get(id)?.state).toBe(from);
    if (legal) {
      move(id, to);
      expect(store.history.get(id)?.state).toBe(to);
      return;
    }
    const before = store.history.get(id);
    expect(() => move(id, to)).toThrow(expect.objectContaining({ code: 'JOURNAL_ILLEGAL_TRANSITION' }));
    expect(store.history.get(id)).toEqual(before);
  });

  it('refuses an outcome through advance and a progress state through finish', () => {
    const id = updateIn('verifying');
    expect(() => store.journal.advance(id, 'committed' as ProgressState)).toThrow(/recorded by finish/);
    expect(() => store.journal.finish(id, 'pulled' as UpdateOutcome)).toThrow(/outcomes only/);
    expect(store.history.get(id)?.state).toBe('verifying');
  });

  it('says when an update does not exist', () => {
    expect(() => store.journal.advance(404, 'pulled')).toThrow(
      expect.objectContaining({ code: 'JOURNAL_NOT_FOUND', message: 'no update with id 404 in the store' }),
    );
    expect(() => store.journal.finish(404, 'failed')).toThrow(TidewatchError);
  });
});

describe('the two strategies walk different paths', () => {
  const stopFirst = [
    'planned',
    'pulled',
    'old-renamed',
    'new-created',
    'new-started',
    'verifying',
    'committed',
  ];
  const startFirst = [
    'planned',
    'pulled',
    'new-created',
    'new-started',
    'verifying',
    'old-renamed',
    'committed',
  ];
  it.each([
    ['stop-first', stopFirst, startFirst],
    ['start-first', startFirst, stopFirst],
  ] as const)('%s follows its own path, not the other', (strategy, own, other) => {
    for (let index = 0; index < own.length - 1; index++) {
      expect(canTransition(own[index] as UpdateState, own[index + 1] as UpdateState, strategy)).toBe(true);
    }
    const foreign = other.slice(0, -1).some((from, index) => {
      const to = other[index + 1] as UpdateState;
      return own.indexOf(to) !== own.indexOf(from) + 1 && canTransition(from as UpdateState, to, strategy);
    });
    expect(foreign).toBe(false);
  });
});

describe('the journal', () => {
  it('records whether the original was running, null when not told', () => {
    const stopped = store.journal.plan(planInput({ wasRunning: false }));
    const running = store.journal.plan(planInput({ wasRunning: true }));
    const unknown = store.journal.plan(planInput({}));
    expect(store.history.get(stopped)?.wasRunning).toBe(false);
    expect(store.history.get(running)?.wasRunning).toBe(true);
    expect(store.history.get(unknown)?.wasRunning).toBeNull();
  });

  it('records a plan, each step and the outcome with times from the clock', () => {
    const start = time.clock();
    const id = store.journal.plan(
      planInput({ trigger: 'webhook:registry', strategy: 'start-first', fromTag: '1.27' }),
    );
    expect(store.history.get(id)).toMatchObject({
      state: 'planned',
      trigger: 'webhook:registry',
      strategy: 'start-first',
      fromTag: '1.27',
      toTag: null,
      newContainerId: null,
      startedAt: start,
      updatedAt: start,
      finishedAt: null,
    });
    time.tick(1000);
    store.journal.advance(id, 'pulled', { toImageId: 'sha256:img2' });
    time.tick(1000);
    // start-first: the new container is created, started and verified before the old one is renamed.
    const created = store.journal.advance(id, 'new-created', { newContainerId: 'beef' });
    expect(created).toMatchObject({ toImageId: 'sha256:img2', newContainerId: 'beef' });
    expect(created.updatedAt).toBe(start + 2000);
    store.journal.advance(id, 'new-started');
    store.journal.advance(id, 'verifying');
    time.tick(30_000);
    const renamed = store.journal.advance(id, 'old-renamed', { parkedName: 'web-tidewatch-old' });
    expect(renamed).toMatchObject({ parkedName: 'web-tidewatch-old' });
    const done = store.journal.finish(id, 'committed', { reason: 'healthy' });
    expect(done).toMatchObject({ state: 'committed', reason: 'healthy', newContainerId: 'beef', logs: null });
    expect(done.finishedAt).toBe(start + 32_000);
    expect(store.journal.unfinished().map((update) => update.id)).not.toContain(id);
  });

  it(`keeps the last ${LOG_LINES} lines of a failed container's log`, () => {
    const id = updateIn('verifying');
    const log = Array.from({ length: 80 }, (_, line) => `line ${line + 1}`).join('\n') + '\n';
    const done = store.journal.finish(id, 'rolled-back', { reason: 'unhealthy after 30s', logs: log });
    const lines = done.logs?.split('\n') ?? [];
    expect(lines).toHaveLength(LOG_LINES);
    expect(lines[0]).toBe('line 31');
    expect(lines.at(-1)).toBe('line 80');
  });

  it.each([
    ['a trigger it does not know', { trigger: 'cron' }],
    ['an empty webhook kind', { trigger: 'webhook:' }],
    ['a strategy it does not know', { strategy: 'blue-green' }],
    ['an empty container name', { containerName: '' }],
    ['an unknown field', { colour: 'blue' }],
  ])('rejects a plan with %s', (_name, overrides) => {
    const input = { ...planInput(), ...overrides } as ReturnType<typeof planInput>;
    expect(() => store.journal.plan(input)).toThrow(expect.objectContaining({ code: 'JOURNAL_BAD_INPUT' }));
  });

  it('rejects a patch with a field a step cannot set', () => {
    const id = store.journal.plan(planInput());
    const patch = { state: 'committed' } as Parameters<Store['journal']['advance']>[2];
    expect(() => store.journal.advance(id, 'pulled', patch)).toThrow(/invalid update patch/);
    expect(store.history.get(id)?.state).toBe('planned');
  });
});

describe('crash recovery', () => {
  it('finds the updates a closed-without-finishing process left, oldest first', () => {
    const dir = tempDir();
    const first = openIn(dir);
    const a = first.journal.plan(planInput({ containerName: 'a' }));
    const b = first.journal.plan(planInput({ containerName: 'b', parkedName: 'b-old' }));
    const c = first.journal.plan(planInput({ containerName: 'c' }));
    first.journal.advance(b, 'pulled');
    first.journal.advance(b, 'old-renamed');
    first.journal.finish(c, 'failed', { reason: 'pull failed' });
    first.close();

    const second = openIn(dir);
    const open = second.journal.unfinished();
    expect(open.map((update) => [update.id, update.state, update.parkedName])).toEqual([
      [a, 'planned', null],
      [b, 'old-renamed', 'b-old'],
    ]);
    second.close();
  });
});
