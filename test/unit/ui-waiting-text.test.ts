import { describe, expect, it } from 'vitest';
import type { ContainerRow, WaitingFor } from '../../src/ui/types.js';
import { waitingText } from '../../src/ui/waiting-text.js';

const UNTIL = Date.UTC(2026, 11, 24, 2, 0, 0);
const at = new Date(UNTIL).toLocaleString();

function row(waitingFor: WaitingFor | null): ContainerRow {
  return {
    name: 'web',
    id: 'id',
    state: 'running',
    image: 'app:1',
    tag: '1',
    status: 'update-available',
    currentDigest: null,
    latestDigest: null,
    reason: null,
    checkedAt: null,
    policy: 'digest',
    updateKind: 'digest',
    latestTag: null,
    waitingFor,
    releaseLinks: null,
    lastUpdate: null,
    heldBack: null,
    project: null,
    copies: [],
  };
}

describe('the dashboard says what an update waits for, from the fields each kind has', () => {
  it.each<[WaitingFor, string]>([
    [{ kind: 'cooldown', until: UNTIL, since: 0, from: 'seen', minAgeMs: 1 }, `cooldown until ${at}`],
    [
      { kind: 'window', until: UNTIL, window: 'Sat 02:00-05:00', timezone: 'UTC' },
      `maintenance window Sat 02:00-05:00 (UTC), opens ${at}`,
    ],
    [
      { kind: 'approval', state: 'pending', approvalId: 7, votes: 1, required: 2, deadline: null },
      'approval 7: pending, 1 of 2 votes',
    ],
    [
      { kind: 'approval', state: 'required', approvalId: null, votes: 0, required: 1, deadline: null },
      'approval (0 of 1 votes)',
    ],
    [
      { kind: 'registry-budget', registry: 'ghcr.io', cause: 'retry-after', until: UNTIL },
      `registry ghcr.io (retry-after) until ${at}`,
    ],
  ])('%o', (waitingFor, text) => {
    expect(waitingText(row(waitingFor))).toBe(text);
  });

  it('nothing when it waits for nothing', () => {
    expect(waitingText(row(null))).toBe('');
  });
});
