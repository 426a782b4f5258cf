/**
 * The containers list's sorting and grouping: pure, so it is tested without a browser.
 */
import type { ContainerRow } from './types.js';

export const SORTS = [
  ['name', 'Name'],
  ['state', 'State'],
  ['updated', 'Last update'],
] as const;
export type Sort = (typeof SORTS)[number][0];

export const GROUPINGS = [
  ['none', 'Nothing'],
  ['project', 'Project'],
  ['state', 'State'],
] as const;
export type Grouping = (typeof GROUPINGS)[number][0];

/** What needs a person first comes first. */
const STATES = [
  'updating',
  'held back',
  'update available',
  'waiting',
  'problem',
  'up to date',
  'not checked yet',
  'skipped',
] as const;
export type RowState = (typeof STATES)[number];

export function rowState(row: ContainerRow): RowState {
  const last = row.lastUpdate;
  if (last && last.finishedAt === null && !['committed', 'rolled-back', 'failed'].includes(last.state))
    return 'updating';
  if (row.heldBack) return 'held back';
  if (row.waitingFor) return 'waiting';
  if (row.status === 'update-available') return 'update available';
  if (row.status === 'unknown') return 'problem';
  if (row.status === 'current') return 'up to date';
  if (row.status === 'skipped') return 'skipped';
  return 'not checked yet';
}

export interface Group {
  /** Undefined when the list is not grouped. */
  readonly title: string | undefined;
  readonly rows: ContainerRow[];
}

const NO_PROJECT = 'no project';

export function arrange(rows: readonly ContainerRow[], sort: Sort, grouping: Grouping): Group[] {
  const sorted = [...rows].sort(compareBy(sort));
  if (grouping === 'none') return [{ title: undefined, rows: sorted }];
  const groups = new Map<string, ContainerRow[]>();
  for (const row of sorted) {
    const title = grouping === 'project' ? (row.project ?? NO_PROJECT) : rowState(row);
    groups.set(title, [...(groups.get(title) ?? []), row]);
  }
  const order = (title: string): number =>
    grouping === 'state' ? STATES.indexOf(title as RowState) : title === NO_PROJECT ? 1 : 0;
  return [...groups.entries()]
    .sort(([a], [b]) => order(a) - order(b) || a.localeCompare(b))
    .map(([title, members]) => ({ title, rows: members }));
}

function compareBy(sort: Sort): (a: ContainerRow, b: ContainerRow) => number {
  const byName = (a: ContainerRow, b: ContainerRow): number => a.name.localeCompare(b.name);
  switch (sort) {
    case 'name':
      return byName;
    case 'state':
      return (a, b) => STATES.indexOf(rowState(a)) - STATES.indexOf(rowState(b)) || byName(a, b);
    case 'updated':
      // Most recent first; never updated last.
      return (a, b) => (b.lastUpdate?.startedAt ?? -1) - (a.lastUpdate?.startedAt ?? -1) || byName(a, b);
  }
}
