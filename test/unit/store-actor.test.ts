import { userInfo } from 'node:os';
import { describe, expect, it } from 'vitest';
import { actorFor, journalOf } from '../../src/store/index.js';
import { openIn, planInput, useTempDirs } from './store-fixtures.js';

const tempDir = useTempDirs();

describe('who made each update', () => {
  it('is the trigger when nobody more precise is named, and the OS user for the CLI', () => {
    const store = openIn(tempDir());
    try {
      const scheduled = store.journal.plan(planInput({ trigger: 'schedule' }));
      const hooked = store.journal.plan(planInput({ trigger: 'webhook:github' }));
      const typed = store.journal.plan(planInput({ trigger: 'cli' }));
      expect(store.history.get(scheduled)?.actor).toBe('schedule');
      expect(store.history.get(hooked)?.actor).toBe('webhook:github');
      expect(store.history.get(typed)?.actor).toBe(`cli:${userInfo().username}`);
      expect(actorFor('cli')).toBe(`cli:${userInfo().username}`);
    } finally {
      store.close();
    }
  });

  it('is whoever asked for the run, for every update it plans, and the history filters by it', () => {
    const store = openIn(tempDir());
    try {
      const byAlice = journalOf(store.journal, 'alice');
      const first = byAlice.plan(planInput({ trigger: 'api' }));
      byAlice.plan(planInput({ containerName: 'db', trigger: 'api' }));
      store.journal.plan(planInput({ trigger: 'api' }));
      expect(store.history.get(first)?.actor).toBe('alice');
      expect(
        store.history
          .list({ actor: 'alice' })
          .items.map((r) => r.containerName)
          .sort(),
      ).toEqual(['db', 'web']);
      expect(store.history.list({ actor: 'api' }).items).toHaveLength(1);
      // A name the planner gives itself wins over the run's.
      const own = byAlice.plan(planInput({ trigger: 'api', actor: 'bob' }));
      expect(store.history.get(own)?.actor).toBe('bob');
      expect(journalOf(store.journal, undefined)).toBe(store.journal);
    } finally {
      store.close();
    }
  });
});
