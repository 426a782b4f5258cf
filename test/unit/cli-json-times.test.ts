import { describe, expect, it } from 'vitest';
import { withIsoTimes } from '../../src/cli/json-times.js';

describe('--json times', () => {
  it('are ISO 8601 UTC, with the epoch milliseconds beside them, at any depth', () => {
    const at = Date.UTC(2026, 11, 4, 10, 0, 0);
    expect(
      withIsoTimes([
        { id: 1, startedAt: at, finishedAt: null, members: [{ committedAt: at + 1000 }], deadline: at },
      ]),
    ).toEqual([
      {
        id: 1,
        startedAt: '2026-12-04T10:00:00.000Z',
        startedAtMs: at,
        finishedAt: null,
        finishedAtMs: null,
        members: [{ committedAt: '2026-12-04T10:00:01.000Z', committedAtMs: at + 1000 }],
        deadline: '2026-12-04T10:00:00.000Z',
        deadlineMs: at,
      },
    ]);
  });

  it('leaves what is not a time alone: other names, counts, strings', () => {
    const value = { votes: 2, retryAt: 5, name: 'checkedAt', seenAt: 'yesterday', digest: 'sha256:a' };
    expect(withIsoTimes(value)).toEqual(value);
  });
});
