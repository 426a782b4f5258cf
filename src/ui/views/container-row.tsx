import type { JSX } from 'preact';
import { api } from '../api.js';
import { rowState } from '../arrange.js';
import { dateTime, shortDigest, timeAgo } from '../format.js';
import { forgetQuestion, updateQuestion } from '../questions.js';
import { hrefFor } from '../router.js';
import { confirmThen, type Shared } from '../shared.js';
import type { ContainerCopy, ContainerRow } from '../types.js';
import { waitingText } from '../waiting-text.js';
import { ReleaseLinkList } from './release-links.js';
import { OutcomeBadge, StatusBadge } from './status-badge.js';

/** One container of the list: what runs, what was found, and the one action that fits. */
export function ContainerRowView({ row, shared }: { row: ContainerRow; shared: Shared }): JSX.Element {
  const held = row.heldBack;
  return (
    <tr data-container={row.name}>
      <td data-label="Name">
        <a href={hrefFor.container(row.name)}>{row.name}</a>
        {row.copies.length > 0 ? <Copies copies={row.copies} /> : null}
      </td>
      <td data-label="Image" class="mono">
        {row.image ?? '—'}
        <div class="sub">
          {shortDigest(row.currentDigest)}
          {row.status === 'update-available' && !held
            ? ` → ${row.latestTag ?? shortDigest(row.latestDigest)}`
            : ''}
        </div>
      </td>
      <td data-label="Status">
        {held ? (
          <>
            <span class="status held-back">held back</span>
            <div class="sub held">
              rolled back at {dateTime(held.rolledBackAt)} ({held.reason})
            </div>
          </>
        ) : (
          <StatusBadge row={row} />
        )}
        {row.waitingFor ? <div class="sub">waits: {waitingText(row)}</div> : null}
        {row.reason && row.status !== 'current' && !held ? <div class="sub">{row.reason}</div> : null}
        {row.status === 'update-available' && !held ? <ReleaseLinkList links={row.releaseLinks} /> : null}
      </td>
      <td data-label="Policy">{row.policy}</td>
      <td data-label="Last outcome">
        <OutcomeBadge state={row.lastUpdate?.state} />
        <div class="sub">{row.lastUpdate ? timeAgo(row.lastUpdate.startedAt) : ''}</div>
      </td>
      <td class="actions">
        <RowAction row={row} shared={shared} />
      </td>
    </tr>
  );
}

function RowAction({ row, shared }: { row: ContainerRow; shared: Shared }): JSX.Element | null {
  // Skipped by its labels, or an update in flight: nothing to start from here.
  if (row.status === 'skipped' || rowState(row) === 'updating') return null;
  if (row.heldBack) {
    return (
      <button
        type="button"
        class="quiet"
        onClick={() =>
          void confirmThen(shared, forgetQuestion(row), `Forget bad digests of ${row.name}`, () =>
            api.forgetBad(row.name),
          )
        }
      >
        Forget
      </button>
    );
  }
  return (
    <button
      type="button"
      onClick={() =>
        void confirmThen(shared, updateQuestion(row), `Update ${row.name}`, () => api.updateNow(row.name))
      }
    >
      {row.status === 'update-available' ? 'Update' : 'Check & update'}
    </button>
  );
}

/** A start-first update in flight: the new copy being verified, or the old one parked. */
function Copies({ copies }: { copies: readonly ContainerCopy[] }): JSX.Element {
  return (
    <ul class="copies" aria-label="Copies of an update in flight">
      {copies.map((copy) => (
        <li key={copy.id} data-copy={copy.name}>
          {copy.role === 'new' ? 'new copy, verifying' : 'old copy, parked'} ({copy.state}):{' '}
          <span class="mono">{copy.name}</span>
        </li>
      ))}
    </ul>
  );
}
