import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { Shared } from '../shared.js';
import { api } from '../api.js';
import type { UpdateRecord } from '../types.js';
import { LoadNotices } from './notice.js';
import { UpdateList } from './update-list.js';

const OUTCOMES = ['', 'committed', 'rolled-back', 'failed'] as const;
/** Rows per page; "Show older" appends the next page (the API's cursor paging). */
const HISTORY_PAGE = 100;

interface Loaded {
  readonly updates: UpdateRecord[];
  readonly nextCursor: string | null;
}

export function HistoryView({ shared }: { shared: Shared }): JSX.Element {
  const [outcome, setOutcome] = useState<string>('');
  const [loaded, setLoaded] = useState<Loaded | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [loadingOlder, setLoadingOlder] = useState(false);
  const query = (cursor?: string): Record<string, string> => ({
    limit: String(HISTORY_PAGE),
    ...(outcome ? { outcome } : {}),
    ...(cursor ? { cursor } : {}),
  });

  // The newest page, read again on every live event; pages already shown below it are kept.
  useEffect(() => {
    let current = true;
    api.history(query()).then(
      (page) => {
        if (!current) return;
        setLoaded((before) => mergeNewest(before, page.items, page.nextCursor));
        setError(undefined);
      },
      (failure: unknown) => current && setError(failure instanceof Error ? failure.message : String(failure)),
    );
    return () => {
      current = false;
    };
  }, [outcome, shared.version]);

  const showOlder = (): void => {
    if (!loaded?.nextCursor) return;
    setLoadingOlder(true);
    api
      .history(query(loaded.nextCursor))
      .then(
        (page) =>
          setLoaded((before) => ({
            updates: [...(before?.updates ?? []), ...page.items],
            nextCursor: page.nextCursor,
          })),
        (failure: unknown) => setError(failure instanceof Error ? failure.message : String(failure)),
      )
      .finally(() => setLoadingOlder(false));
  };

  return (
    <section>
      <div class="toolbar">
        <h1>History</h1>
        <label>
          Outcome{' '}
          <select
            value={outcome}
            onChange={(event) => {
              setLoaded(undefined);
              setOutcome(event.currentTarget.value);
            }}
          >
            {OUTCOMES.map((value) => (
              <option key={value} value={value}>
                {value === '' ? 'all' : value}
              </option>
            ))}
          </select>
        </label>
      </div>
      <LoadNotices what="the history" loaded={loaded !== undefined} error={error} />
      {loaded ? <UpdateList updates={loaded.updates} showContainer /> : null}
      {loaded?.nextCursor ? (
        <p class="more">
          <button type="button" class="quiet" disabled={loadingOlder} onClick={showOlder}>
            {loadingOlder ? 'Loading…' : 'Show older'}
          </button>
        </p>
      ) : null}
    </section>
  );
}

/**
 * The newest page put in front of what is shown: records it has replace theirs (a state moved on),
 * older ones already loaded stay. With nothing loaded beyond one page, the page as it is.
 */
function mergeNewest(before: Loaded | undefined, newest: UpdateRecord[], nextCursor: string | null): Loaded {
  if (!before || before.updates.length <= newest.length) return { updates: newest, nextCursor };
  const oldestNew = newest.at(-1)?.id ?? Infinity;
  const older = before.updates.filter((update) => update.id < oldestNew);
  return { updates: [...newest, ...older], nextCursor: before.nextCursor };
}
