import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { Shared } from '../shared.js';
import { api } from '../api.js';
import type { UpdateRecord } from '../types.js';
import { Notice } from './notice.js';
import { UpdateList } from './update-list.js';

const OUTCOMES = ['', 'committed', 'rolled-back', 'failed'] as const;

export function HistoryView({ shared }: { shared: Shared }): JSX.Element {
  const [outcome, setOutcome] = useState<string>('');
  const [updates, setUpdates] = useState<UpdateRecord[] | undefined>();
  const [error, setError] = useState<string | undefined>();

  useEffect(() => {
    let current = true;
    api.history({ limit: '100', ...(outcome ? { outcome } : {}) }).then(
      (page) => current && (setUpdates(page.items), setError(undefined)),
      (failure: unknown) => current && setError(failure instanceof Error ? failure.message : String(failure)),
    );
    return () => {
      current = false;
    };
  }, [outcome, shared.version]);

  return (
    <section>
      <div class="toolbar">
        <h1>History</h1>
        <label>
          Outcome{' '}
          <select value={outcome} onChange={(event) => setOutcome(event.currentTarget.value)}>
            {OUTCOMES.map((value) => (
              <option key={value} value={value}>
                {value === '' ? 'all' : value}
              </option>
            ))}
          </select>
        </label>
      </div>
      {error ? <Notice kind="error">Could not load the history: {error}</Notice> : null}
      {!updates && !error ? <Notice kind="loading">Loading history…</Notice> : null}
      {updates ? <UpdateList updates={updates} showContainer /> : null}
    </section>
  );
}
