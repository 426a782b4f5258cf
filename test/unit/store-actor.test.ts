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

  it('names everyone who approved an update, and the history filter finds it by any of them', () => {
    const store = openIn(tempDir());
    try {
      const request = { containerName: 'web', image: 'nginx:1.27', toDigest: 'sha256:bbb', requiredVotes: 2 };
      const { approval } = store.approvals.request(request);
      store.approvals.vote(approval.id, 'oidc:alice', 'approve');
      store.approvals.vote(approval.id, 'oidc:bob', 'approve');
      const made = journalOf(store.journal, 'oidc:bob').plan(planInput({ trigger: 'api' }));
      // Another container's update, and one to another digest, were not approved by anyone.
      const other = store.journal.plan(planInput({ containerName: 'db' }));
      const elsewhere = store.journal.plan(planInput({ toDigest: 'sha256:ccc' }));

      expect(store.history.get(made)).toMatchObject({
        actor: 'oidc:bob',
        approvedBy: ['oidc:alice', 'oidc:bob'],
      });
      expect(store.history.get(other)?.approvedBy).toEqual([]);
      expect(store.history.get(elsewhere)?.approvedBy).toEqual([]);
      // alice made nothing but allowed one update; "alic" is no one.
      expect(store.history.list({ actor: 'oidc:alice' }).items.map((record) => record.id)).toEqual([made]);
      expect(store.history.list({ actor: 'oidc:alic' }).items).toEqual([]);
    } finally {
      store.close();
    }
  });

  it('names no approver for an update of a digest whose approval was rejected', () => {
    const store = openIn(tempDir());
    try {
      const request = { containerName: 'web', image: 'nginx:1.27', toDigest: 'sha256:bbb', requiredVotes: 1 };
      const { approval } = store.approvals.request(request);
      store.approvals.vote(approval.id, 'oidc:carol', 'reject');
      const made = store.journal.plan(planInput({ trigger: 'cli' }));
      expect(store.history.get(made)?.approvedBy).toEqual([]);
    } finally {
      store.close();
    }
  });
});
