import { describe, expect, it } from 'vitest';
import { recordAccepted, recordOutcome } from '../../src/swarm/journal.js';
import type { Journal, UpdateRecord, UpdateStrategy } from '../../src/store/index.js';
import { openIn, useTempDirs } from './store-fixtures.js';

const tempDir = useTempDirs();

function planned(journal: Journal, strategy: UpdateStrategy): UpdateRecord {
  const id = journal.plan({
    containerName: 'service:web',
    containerId: 'svc-id',
    image: 'registry.example/web:1.0',
    trigger: 'cli',
    strategy,
    fromDigest: `sha256:${'a'.repeat(64)}`,
    toDigest: `sha256:${'b'.repeat(64)}`,
    fromTag: '1.0',
    toTag: '1.0',
  });
  const record = journal.get(id);
  if (!record) throw new Error('planned record not found');
  return record;
}

describe('a service update in the journal', () => {
  it.each([
    ['start-first', ['pulled', 'new-created', 'new-started', 'verifying', 'old-renamed', 'committed']],
    ['stop-first', ['pulled', 'old-renamed', 'new-created', 'new-started', 'verifying', 'committed']],
  ] as const)(
    '%s: the accepted update walks to verifying, and commits through the strategy’s last step',
    (strategy, expected) => {
      const store = openIn(tempDir());
      const seen: string[] = [];
      const record = planned(store.journal, strategy);
      const accepted = recordAccepted(store.journal, record, (step) => seen.push(step));
      expect(accepted.state).toBe('verifying');
      const done = recordOutcome(store.journal, accepted, 'committed', {}, (step) => seen.push(step));
      expect(seen).toEqual(expected);
      expect(done).toMatchObject({ state: 'committed', containerName: 'service:web', strategy });
      store.close();
    },
  );

  it('records a rollback with the swarm’s reason and the failed tasks, also straight from planned (recovery)', () => {
    const store = openIn(tempDir());
    const seen: string[] = [];
    const record = planned(store.journal, 'start-first');
    const done = recordOutcome(
      store.journal,
      record,
      'rolled-back',
      {
        reason: 'the swarm rolled the update back: rollback completed',
        logs: 'task abc: task: non-zero exit (1)',
      },
      (step) => seen.push(step),
    );
    expect(seen).toEqual(['pulled', 'new-created', 'new-started', 'verifying', 'rolled-back']);
    expect(done).toMatchObject({
      state: 'rolled-back',
      reason: 'the swarm rolled the update back: rollback completed',
      logs: 'task abc: task: non-zero exit (1)',
    });
    store.close();
  });

  it('records a refused update as failed from planned, and takes no step twice when resumed', () => {
    const store = openIn(tempDir());
    const failed = recordOutcome(
      store.journal,
      planned(store.journal, 'stop-first'),
      'failed',
      { reason: 'refused' },
      undefined,
    );
    expect(failed).toMatchObject({ state: 'failed', reason: 'refused' });

    const accepted = recordAccepted(store.journal, planned(store.journal, 'start-first'), undefined);
    // Recovery may call it again on a record already there: nothing to do, no illegal step.
    expect(recordAccepted(store.journal, accepted, undefined).state).toBe('verifying');
    expect(store.journal.unfinished()).toHaveLength(1);
    store.close();
  });
});
