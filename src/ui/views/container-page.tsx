import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { confirmThen, type Shared } from '../shared.js';
import { forgetQuestion, rollbackQuestion, updateQuestion } from '../questions.js';
import { api } from '../api.js';
import { dateTime, shortDigest, timeAgo } from '../format.js';
import { hrefFor } from '../router.js';
import type { ContainerRow, UpdateRecord } from '../types.js';
import { waitingText } from './containers.js';
import { Notice } from './notice.js';
import { StatusBadge } from './status-badge.js';
import { UpdateList } from './update-list.js';

export function ContainerPage({ name, shared }: { name: string; shared: Shared }): JSX.Element {
  const [row, setRow] = useState<ContainerRow | undefined>();
  const [updates, setUpdates] = useState<UpdateRecord[] | undefined>();
  const [error, setError] = useState<string | undefined>();

  useEffect(() => {
    let current = true;
    Promise.all([api.container(name), api.history({ container: name, limit: '20' })]).then(
      ([found, page]) => {
        if (!current) return;
        setRow(found);
        setUpdates(page.items);
        setError(undefined);
      },
      (failure: unknown) => current && setError(failure instanceof Error ? failure.message : String(failure)),
    );
    return () => {
      current = false;
    };
  }, [name, shared.version]);

  if (error)
    return (
      <Notice kind="error">
        Could not load {name}: {error}
      </Notice>
    );
  if (!row || !updates) return <Notice kind="loading">Loading {name}…</Notice>;
  const rollback = updates.find((update) => update.state === 'rolled-back');
  const committed = updates.find((update) => update.state === 'committed');

  return (
    <section class="container-page">
      <p>
        <a href={hrefFor.containers}>← Containers</a>
      </p>
      <div class="toolbar">
        <h1>{row.name}</h1>
        <StatusBadge row={row} />
        <div class="spacer" />
        {row.heldBack ? null : (
          <button
            type="button"
            onClick={() =>
              void confirmThen(shared, updateQuestion(row), `Update ${name}`, () => api.updateNow(name))
            }
          >
            Update now
          </button>
        )}
        <button
          type="button"
          onClick={() =>
            void confirmThen(shared, rollbackQuestion(row, committed?.fromDigest), `Roll back ${name}`, () =>
              api.rollback(name),
            )
          }
        >
          Roll back
        </button>
        <button
          type="button"
          class="quiet"
          onClick={() =>
            void confirmThen(shared, forgetQuestion(row), `Forget bad digests of ${name}`, () =>
              api.forgetBad(name),
            )
          }
        >
          Forget bad digests
        </button>
      </div>
      <dl class="facts">
        <dt>Image</dt>
        <dd class="mono">{row.image ?? '—'}</dd>
        <dt>State</dt>
        <dd>{row.state}</dd>
        <dt>Policy</dt>
        <dd>{row.policy}</dd>
        <dt>Running digest</dt>
        <dd class="mono">{shortDigest(row.currentDigest)}</dd>
        <dt>Latest digest</dt>
        <dd class="mono">
          {shortDigest(row.latestDigest)}
          {row.latestTag ? ` (${row.latestTag})` : ''}
        </dd>
        <dt>Last checked</dt>
        <dd>{timeAgo(row.checkedAt)}</dd>
        {row.waitingFor ? (
          <>
            <dt>Waits for</dt>
            <dd>{waitingText(row)}</dd>
          </>
        ) : null}
        {row.heldBack ? (
          <>
            <dt>Held back</dt>
            <dd>
              <span class="mono">{shortDigest(row.heldBack.digest)}</span>: rolled back at{' '}
              {dateTime(row.heldBack.rolledBackAt)} ({row.heldBack.reason})
            </dd>
          </>
        ) : null}
        {row.reason ? (
          <>
            <dt>Note</dt>
            <dd>{row.reason}</dd>
          </>
        ) : null}
      </dl>
      {rollback ? (
        <article class="rollback" aria-label="Last rollback">
          <h2>Last rollback</h2>
          <p>
            {dateTime(rollback.startedAt)}: {shortDigest(rollback.toDigest)} was rolled back.
          </p>
          <p class="reason">{rollback.reason ?? 'no reason recorded'}</p>
          {rollback.logs ? (
            <details open>
              <summary>Last log lines of the failed container</summary>
              <pre class="logs">{rollback.logs}</pre>
            </details>
          ) : null}
        </article>
      ) : null}
      <h2>History</h2>
      <UpdateList updates={updates} showContainer={false} />
    </section>
  );
}
