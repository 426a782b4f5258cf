import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import type { Shared } from '../shared.js';
import { api } from '../api.js';
import { shortDigest, timeAgo } from '../format.js';
import { hrefFor } from '../router.js';
import type { ContainerRow } from '../types.js';
import { waitingText } from '../waiting-text.js';

export { waitingText };
import { Notice } from './notice.js';
import { OutcomeBadge, StatusBadge } from './status-badge.js';
import { ReleaseLinkList } from './release-links.js';

const FILTERS = [
  ['all', 'All'],
  ['update-available', 'Updates'],
  ['waiting', 'Waiting'],
  ['current', 'Up to date'],
  ['problem', 'Problems'],
] as const;
type Filter = (typeof FILTERS)[number][0];

function matches(row: ContainerRow, filter: Filter, search: string): boolean {
  const text = `${row.name} ${row.image ?? ''} ${row.policy}`.toLowerCase();
  if (search !== '' && !text.includes(search.toLowerCase())) return false;
  switch (filter) {
    case 'all':
      return true;
    case 'update-available':
      return row.status === 'update-available';
    case 'waiting':
      return Boolean(row.waitingFor);
    case 'current':
      return row.status === 'current';
    case 'problem':
      return (
        row.status === 'unknown' ||
        row.lastUpdate?.state === 'rolled-back' ||
        row.lastUpdate?.state === 'failed'
      );
  }
}

export function ContainersView({ shared }: { shared: Shared }): JSX.Element {
  const [search, setSearch] = useState('');
  const [filter, setFilter] = useState<Filter>('all');
  const { containers, error, act } = shared;

  return (
    <section>
      <div class="toolbar">
        <h1>Containers</h1>
        <input
          type="search"
          placeholder="Search name, image, policy"
          aria-label="Search containers"
          value={search}
          onInput={(event) => setSearch(event.currentTarget.value)}
        />
        <div class="filters" role="group" aria-label="Filter">
          {FILTERS.map(([value, label]) => (
            <button
              key={value}
              type="button"
              class={filter === value ? 'chip on' : 'chip'}
              aria-pressed={filter === value}
              onClick={() => setFilter(value)}
            >
              {label}
            </button>
          ))}
        </div>
        <button type="button" onClick={() => void act('Check now', () => api.checkNow())}>
          Check now
        </button>
      </div>
      {error ? <Notice kind="error">Could not load the containers: {error}</Notice> : null}
      {containers === undefined && !error ? <Notice kind="loading">Loading containers…</Notice> : null}
      {containers?.length === 0 ? (
        <Notice kind="empty">No containers yet. Start one and it appears here.</Notice>
      ) : null}
      {containers && containers.length > 0 ? (
        <Table rows={containers.filter((row) => matches(row, filter, search))} shared={shared} />
      ) : null}
    </section>
  );
}

function Table({ rows, shared }: { rows: ContainerRow[]; shared: Shared }): JSX.Element {
  if (rows.length === 0) return <Notice kind="empty">No container matches.</Notice>;
  return (
    <table class="containers">
      <thead>
        <tr>
          <th>Name</th>
          <th>Image</th>
          <th>Status</th>
          <th>Policy</th>
          <th>Last outcome</th>
          <th>
            <span class="sr-only">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.name} data-container={row.name}>
            <td data-label="Name">
              <a href={hrefFor.container(row.name)}>{row.name}</a>
            </td>
            <td data-label="Image" class="mono">
              {row.image ?? '—'}
              <div class="sub">
                {shortDigest(row.currentDigest)}
                {row.status === 'update-available'
                  ? ` → ${row.latestTag ?? shortDigest(row.latestDigest)}`
                  : ''}
              </div>
            </td>
            <td data-label="Status">
              <StatusBadge row={row} />
              {row.waitingFor ? <div class="sub">waits: {waitingText(row)}</div> : null}
              {row.reason && row.status !== 'current' ? <div class="sub">{row.reason}</div> : null}
              {row.status === 'update-available' ? <ReleaseLinkList links={row.releaseLinks} /> : null}
            </td>
            <td data-label="Policy">{row.policy}</td>
            <td data-label="Last outcome">
              <OutcomeBadge state={row.lastUpdate?.state} />
              <div class="sub">{row.lastUpdate ? timeAgo(row.lastUpdate.startedAt) : ''}</div>
            </td>
            <td class="actions">
              {row.status !== 'skipped' ? (
                <button
                  type="button"
                  onClick={() => void shared.act(`Update ${row.name}`, () => api.updateNow(row.name))}
                >
                  {row.status === 'update-available' ? 'Update' : 'Check & update'}
                </button>
              ) : null}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
