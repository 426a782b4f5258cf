import type { Database, Statement } from 'better-sqlite3';
import { z } from 'zod';
import { updateById } from './update-query.js';
import { toUpdateRecord } from './update-row.js';
import { UpdateOutcome, type UpdateRecord } from './update-types.js';
import { validate } from './validate.js';

export const HISTORY_MAX_LIMIT = 500;

/** A history query, as the API and the CLI pass it on: validated here, once for both. */
export const HistoryQuery = z.strictObject({
  container: z.string().min(1).optional(),
  /** Made by this actor (a token's holder, `cli:<user>`, `schedule`, `webhook:<kind>`, ...), or approved by them. */
  actor: z.string().min(1).optional(),
  outcome: UpdateOutcome.optional(),
  /** Updates started at or after this time (epoch ms). */
  since: z.number().int().nonnegative().optional(),
  /** Updates started before this time (epoch ms). */
  until: z.number().int().nonnegative().optional(),
  limit: z.number().int().min(1).max(HISTORY_MAX_LIMIT).default(50),
  /**
   * `nextCursor` of the previous page; opaque to callers. It is the id of the last update returned:
   * ids only grow and are never reused (AUTOINCREMENT), so paging by `id < cursor` stays stable
   * while new updates are written.
   */
  cursor: z
    .string()
    .regex(/^[1-9][0-9]{0,15}$/, 'not a cursor of this history')
    .optional(),
});
export type HistoryQuery = z.input<typeof HistoryQuery>;

export interface HistoryPage {
  /** Newest first. */
  readonly items: UpdateRecord[];
  /** Pass it as `cursor` for the next page; null on the last page. */
  readonly nextCursor: string | null;
}

export interface History {
  list(query?: HistoryQuery): HistoryPage;
  get(id: number): UpdateRecord | undefined;
}

const FILTERS = {
  container: 'container_name = @container',
  // Made or approved: a person's history includes the updates they allowed.
  actor: '(actor = @actor OR instr(char(10) || approved_by || char(10), char(10) || @actor || char(10)) > 0)',
  outcome: 'state = @outcome',
  since: 'started_at >= @since',
  until: 'started_at < @until',
  before: 'id < @before',
} as const;

export function createHistory(db: Database): History {
  // One statement per combination of filters (at most 64), prepared on first use.
  const statements = new Map<string, Statement>();
  const statement = (filters: (keyof typeof FILTERS)[]): Statement => {
    const where = filters.length === 0 ? '' : `WHERE ${filters.map((name) => FILTERS[name]).join(' AND ')}`;
    const sql = `SELECT * FROM update_records ${where} ORDER BY id DESC LIMIT @take`;
    const cached = statements.get(sql) ?? db.prepare(sql);
    statements.set(sql, cached);
    return cached;
  };

  return {
    list: (query = {}) => {
      const { cursor, limit, ...filters } = validate(
        HistoryQuery,
        query,
        'HISTORY_BAD_QUERY',
        'history query',
      );
      const params = { ...filters, before: cursor === undefined ? undefined : Number(cursor) };
      const used = (Object.keys(FILTERS) as (keyof typeof FILTERS)[]).filter(
        (name) => params[name] !== undefined,
      );
      const bound = Object.fromEntries(used.map((name) => [name, params[name]]));
      // One row more than asked tells whether there is a next page without a COUNT.
      const rows = statement(used)
        .all({ ...bound, take: limit + 1 })
        .map(toUpdateRecord);
      const items = rows.slice(0, limit);
      const last = items.at(-1);
      return { items, nextCursor: rows.length > limit && last !== undefined ? String(last.id) : null };
    },
    get: updateById(db),
  };
}
