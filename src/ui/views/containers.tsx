import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { confirmThen, type Shared } from '../shared.js';
import { api, type RunReport } from '../api.js';
import { GROUPINGS, SORTS, arrange, rowState, type Grouping, type Sort } from '../arrange.js';
import { updateAllQuestion } from '../questions.js';
import type { ContainerRow } from '../types.js';
import { waitingText } from '../waiting-text.js';

export { waitingText };
import { LoadNotices, Notice } from './notice.js';
import { ContainerRowView } from './container-row.js';

const FILTERS = [
  ['all', 'All'],
  ['update-available', 'Updates'],
  ['waiting', 'Waiting'],
  ['current', 'Up to date'],
  ['problem', 'Problems'],
] as const;
type Filter = (typeof FILTERS)[number][0];

function matches(row: ContainerRow, filter: Filter, search: string): boolean {
  const text = `${row.name} ${row.image ?? ''} ${row.policy} ${row.project ?? ''}`.toLowerCase();
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
        row.heldBack !== null ||
        row.lastUpdate?.state === 'rolled-back' ||
        row.lastUpdate?.state === 'failed'
      );
  }
}

/** What "Apply updates" applies: found, not held back, not waiting for a policy, not in flight. */
function applicable(rows: readonly ContainerRow[]): ContainerRow[] {
  return rows.filter((row) => rowState(row) === 'update available');
}

function checkSummary(report: RunReport): string {
  const found = report.entries.filter((entry) => entry.status === 'update-available').length;
  const checked = `${report.checked} checked`;
  return found === 0 ? `${checked}, all up to date` : `${checked}, ${found} with an update (nothing applied)`;
}

export function ContainersView({ shared }: { shared: Shared }): JSX.Element {
  const [search, setSearch] = useState('');
  const [filter, setFilter] = useState<Filter>('all');
  const [sort, setSort] = useState<Sort>('name');
  const [grouping, setGrouping] = useState<Grouping>('none');
  const { containers, error, act } = shared;
  const ready = applicable(containers ?? []);

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
        <label>
          Sort by{' '}
          <select value={sort} onChange={(event) => setSort(event.currentTarget.value as Sort)}>
            {SORTS.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Group by{' '}
          <select value={grouping} onChange={(event) => setGrouping(event.currentTarget.value as Grouping)}>
            {GROUPINGS.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          class="quiet"
          title="Checks every container and changes nothing"
          onClick={() => void act('Check now', () => api.checkOnly(), checkSummary)}
        >
          Check now
        </button>
        {ready.length > 0 ? (
          <button
            type="button"
            onClick={() =>
              void confirmThen(shared, updateAllQuestion(ready), 'Apply updates', () =>
                api.updateMany(ready.map((row) => row.name)),
              )
            }
          >
            Apply {ready.length} update{ready.length === 1 ? '' : 's'}…
          </button>
        ) : null}
      </div>
      <LoadNotices what="the containers" loaded={containers !== undefined} error={error} />
      {containers?.length === 0 ? (
        <Notice kind="empty">No containers yet. Start one and it appears here.</Notice>
      ) : null}
      {containers && containers.length > 0 ? (
        <Table
          rows={containers.filter((row) => matches(row, filter, search))}
          sort={sort}
          grouping={grouping}
          shared={shared}
        />
      ) : null}
    </section>
  );
}

function Table({
  rows,
  sort,
  grouping,
  shared,
}: {
  rows: ContainerRow[];
  sort: Sort;
  grouping: Grouping;
  shared: Shared;
}): JSX.Element {
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
      {arrange(rows, sort, grouping).map((group) => (
        <tbody key={group.title ?? ''} data-group={group.title}>
          {group.title !== undefined ? (
            <tr class="group">
              <th colSpan={6} scope="rowgroup">
                {group.title} <span class="sub">({group.rows.length})</span>
              </th>
            </tr>
          ) : null}
          {group.rows.map((row) => (
            <ContainerRowView key={row.name} row={row} shared={shared} />
          ))}
        </tbody>
      ))}
    </table>
  );
}
