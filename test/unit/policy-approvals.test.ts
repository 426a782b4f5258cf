import { describe, expect, it } from 'vitest';
import { decideVote, type Vote } from '../../src/policy/index.js';
import { storeFile, voteOnApproval, type ApprovalRequest } from '../../src/store/index.js';
import { createApprovalService } from '../../src/updater/index.js';
import { fakeClock, openIn, useTempDirs } from './store-fixtures.js';

const tempDir = useTempDirs();
const HOUR = 3_600_000;
const digest = (char: string): string => `sha256:${char.repeat(64)}`;

function request(overrides: Partial<ApprovalRequest> = {}): ApprovalRequest {
  return {
    containerName: 'web',
    image: 'registry.local/web:1.0.0',
    fromDigest: digest('a'),
    fromTag: '1.0.0',
    toDigest: digest('b'),
    toTag: '1.1.2',
    requiredVotes: 1,
    ...overrides,
  };
}

describe('decideVote', () => {
  const pending = { state: 'pending' as const, requiredVotes: 2, deadlineAt: 1000 };
  const none = new Map<string, Vote>();
  it.each([
    ['a first approval of two', pending, none, 'ann', 'approve', 500, { ok: true, state: 'pending' }],
    [
      'the second approval',
      pending,
      new Map<string, Vote>([['ann', 'approve']]),
      'bob',
      'approve',
      500,
      { ok: true, state: 'approved' },
    ],
    [
      'one rejection ends it',
      pending,
      new Map<string, Vote>([['ann', 'approve']]),
      'bob',
      'reject',
      500,
      { ok: true, state: 'rejected' },
    ],
    [
      'a voter counts once',
      pending,
      new Map<string, Vote>([['ann', 'approve']]),
      'ann',
      'approve',
      500,
      { ok: false, code: 'already-voted' },
    ],
    [
      'past the deadline',
      pending,
      none,
      'ann',
      'approve',
      1000,
      { ok: false, code: 'expired', expire: true },
    ],
    [
      'after a decision',
      { ...pending, state: 'rejected' as const },
      none,
      'ann',
      'approve',
      500,
      { ok: false, code: 'not-pending' },
    ],
    ['without a name', pending, none, '  ', 'approve', 500, { ok: false, code: 'invalid-voter' }],
  ] as const)('%s', (_label, status, voters, voter, vote, now, expected) => {
    expect(decideVote(status, voters, voter, vote, now)).toMatchObject(expected);
  });
});

describe('the approvals store', () => {
  it('keys an approval by container and target digest; a newer digest supersedes it', () => {
    const clock = fakeClock();
    const store = openIn(tempDir(), clock.clock);
    try {
      const first = store.approvals.request(request());
      expect(first.created).toBe(true);
      expect(first.approval).toMatchObject({ state: 'pending', toTag: '1.1.2', requiredVotes: 1, votes: [] });
      expect(store.approvals.request(request()).created).toBe(false);
      clock.tick(HOUR);
      const newer = store.approvals.request(request({ toDigest: digest('c'), toTag: '1.1.3' }));
      expect(newer.created).toBe(true);
      expect(store.approvals.get(first.approval.id)).toMatchObject({
        state: 'superseded',
        decidedAt: clock.clock(),
      });
      expect(store.approvals.find('web', digest('b'))).toBeUndefined();
      expect(store.approvals.list({ states: ['pending'] }).map((a) => a.id)).toEqual([newer.approval.id]);
    } finally {
      store.close();
    }
  });

  it('needs N distinct voters; a rejection is final', () => {
    const store = openIn(tempDir());
    try {
      const { approval } = store.approvals.request(request({ requiredVotes: 2 }));
      expect(store.approvals.vote(approval.id, 'ann', 'approve')).toMatchObject({
        ok: true,
        approval: { state: 'pending' },
      });
      expect(store.approvals.vote(approval.id, 'ann', 'approve')).toMatchObject({
        ok: false,
        code: 'already-voted',
      });
      expect(store.approvals.vote(approval.id, 'bob', 'approve')).toMatchObject({
        ok: true,
        approval: { state: 'approved' },
      });
      expect(store.approvals.vote(approval.id, 'cyd', 'reject')).toMatchObject({
        ok: false,
        code: 'not-pending',
      });
      store.approvals.markApplied(approval.id);
      expect(store.approvals.get(approval.id)?.state).toBe('applied');

      const other = store.approvals.request(request({ containerName: 'api' })).approval;
      expect(store.approvals.vote(other.id, 'ann', 'reject')).toMatchObject({
        ok: true,
        approval: { state: 'rejected' },
      });
      expect(store.approvals.vote(9999, 'ann', 'approve')).toMatchObject({ ok: false, code: 'not-found' });
    } finally {
      store.close();
    }
  });

  it('expires pending approvals at their deadline', () => {
    const clock = fakeClock();
    const store = openIn(tempDir(), clock.clock);
    try {
      const { approval } = store.approvals.request(request({ deadlineAt: clock.clock() + HOUR }));
      expect(store.approvals.expireDue()).toEqual([]);
      clock.tick(HOUR);
      expect(store.approvals.expireDue().map((a) => [a.id, a.state])).toEqual([[approval.id, 'expired']]);
      // The expired approval still decides its digest: it is not asked for again.
      expect(store.approvals.find('web', digest('b'))?.state).toBe('expired');
      expect(store.approvals.request(request()).created).toBe(false);
    } finally {
      store.close();
    }
  });

  it('takes votes from a second connection without the lock, as the CLI does', () => {
    const dir = tempDir();
    const clock = fakeClock();
    const store = openIn(dir, clock.clock);
    try {
      const { approval } = store.approvals.request(request());
      expect(voteOnApproval(storeFile(dir), approval.id, 'ann', 'approve', clock.clock)).toMatchObject({
        ok: true,
        approval: { state: 'approved', votes: [{ voter: 'ann', vote: 'approve' }] },
      });
      expect(store.approvals.get(approval.id)?.state).toBe('approved');
      expect(voteOnApproval(`${dir}/missing.db`, 1, 'ann', 'approve', clock.clock)).toMatchObject({
        ok: false,
        code: 'not-found',
      });
    } finally {
      store.close();
    }
  });

  it('the service answers with values and says when an update was approved', () => {
    const store = openIn(tempDir());
    try {
      const approved: number[] = [];
      const service = createApprovalService(store.approvals, { onApproved: (a) => approved.push(a.id) });
      const { approval } = store.approvals.request(request());
      expect(service.pending().map((a) => a.id)).toEqual([approval.id]);
      expect(service.approve(approval.id, 'ann')).toMatchObject({ ok: true });
      expect(approved).toEqual([approval.id]);
      expect(service.pending()).toEqual([]);
      expect(service.reject(approval.id, 'bob')).toMatchObject({ ok: false, code: 'not-pending' });
      expect(service.approve(4242, 'ann')).toMatchObject({ ok: false, code: 'not-found' });
    } finally {
      store.close();
    }
  });
});
