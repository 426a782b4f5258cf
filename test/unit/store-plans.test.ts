import { describe, expect, it } from 'vitest';
import type { PlanMember } from '../../src/store/index.js';
import { fakeClock, openIn, planInput, useTempDirs } from './store-fixtures.js';

const tempDir = useTempDirs();

function member(name: string, overrides: Partial<PlanMember> = {}): PlanMember {
  return {
    name,
    originalId: `${name}-id`,
    originalImageId: 'sha256:old',
    role: 'update',
    wasRunning: true,
    start: true,
    targetImageId: 'sha256:new',
    parkedName: `${name}-tidewatch-old-x`,
    tempName: null,
    newId: null,
    updateId: null,
    namespaceOf: null,
    linksTo: [],
    joins: [],
    ...overrides,
  };
}

describe('plans: the write-ahead log of group plans', () => {
  it('ties the update rows to the plan, learns ids, logs steps in order, and survives a reopen', () => {
    const dir = tempDir();
    const clock = fakeClock();
    const store = openIn(dir, clock.clock);
    const row = store.journal.plan(planInput({ containerName: 'app' }));
    const plan = store.plans.open({
      strategy: 'stop-first',
      members: [member('app', { updateId: row }), member('side', { role: 'recreate', namespaceOf: 'app' })],
    });
    store.plans.step(plan.id, 'app', 'rename');
    store.plans.step(plan.id, 'app', 'create');
    store.plans.learnNewId(plan.id, 'app', 'new-app');
    store.close();

    const reopened = openIn(dir, clock.clock);
    try {
      const [open] = reopened.plans.unfinished();
      expect(open?.phase).toBe('changing');
      expect(open?.members.map((m) => [m.name, m.newId, m.role])).toEqual([
        ['app', 'new-app', 'update'],
        ['side', null, 'recreate'],
      ]);
      expect(
        reopened.plans.steps(plan.id).map((step) => `${step.seq} ${step.action} ${step.member}`),
      ).toEqual(['1 rename app', '2 create app']);
      expect(reopened.plans.committing(plan.id).phase).toBe('committing');
      const done = reopened.plans.finish(plan.id, 'committed');
      expect([done.phase, done.outcome, done.finishedAt]).toEqual(['done', 'committed', clock.clock()]);
      expect(reopened.plans.unfinished()).toEqual([]);
    } finally {
      reopened.close();
    }
  });

  it('refuses a plan whose members are not valid, naming the field', () => {
    const store = openIn(tempDir());
    try {
      expect(() =>
        store.plans.open({ strategy: 'stop-first', members: [member('app', { originalId: '' })] }),
      ).toThrow(/plan members: 0\.originalId/);
      expect(() => store.plans.open({ strategy: 'stop-first', members: [] })).toThrow(/plan members/);
    } finally {
      store.close();
    }
  });

  it('records a repair as one finished row with trigger repair', () => {
    const store = openIn(tempDir());
    try {
      const record = store.journal.repaired(
        planInput({ containerName: 'app', trigger: 'cli' }),
        'rolled-back',
        'repaired: put back',
      );
      expect([record.trigger, record.state, record.reason]).toEqual([
        'repair',
        'rolled-back',
        'repaired: put back',
      ]);
      expect(record.finishedAt).not.toBeNull();
      expect(store.journal.unfinished()).toEqual([]);
    } finally {
      store.close();
    }
  });
});
