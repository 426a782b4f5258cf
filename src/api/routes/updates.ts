import { z } from 'zod';
import { HISTORY_MAX_LIMIT, UPDATE_OUTCOMES } from '../../store/index.js';
import type { ApiContext } from '../context.js';
import { apiError } from '../errors.js';
import { ContainerName, defineRoute, type ApiRoute } from '../route.js';

/** Epoch milliseconds, or an ISO 8601 date-time (`2025-01-31T12:00:00Z`). */
const Time = z
  .string()
  .max(64)
  .transform((text, context) => {
    const ms = /^\d{1,16}$/.test(text)
      ? Number(text)
      : /^\d{4}-\d{2}-\d{2}/.test(text)
        ? Date.parse(text)
        : NaN;
    if (Number.isNaN(ms) || ms < 0) {
      context.addIssue({ code: 'custom', message: 'expected epoch milliseconds or an ISO 8601 date-time' });
      return z.NEVER;
    }
    return ms;
  });

const HistoryParams = z.strictObject({
  container: ContainerName.optional(),
  actor: z.string().min(1).max(200).optional(),
  outcome: z.enum(UPDATE_OUTCOMES).optional(),
  since: Time.optional(),
  until: Time.optional(),
  limit: z
    .string()
    .regex(/^\d{1,4}$/, 'expected a whole number')
    .transform(Number)
    .pipe(z.number().int().min(1).max(HISTORY_MAX_LIMIT))
    .optional(),
  cursor: z
    .string()
    .regex(/^[1-9][0-9]{0,15}$/, 'not a cursor of this history')
    .optional(),
});

const IdParams = z.strictObject({
  id: z
    .string()
    .regex(/^[1-9][0-9]{0,15}$/, 'not an update id')
    .transform(Number),
});

/** The history: every update, newest first, with filters and cursor paging. */
export function updateRoutes(ctx: ApiContext): ApiRoute[] {
  const { history } = ctx.daemon.deps.store;
  return [
    defineRoute({
      methods: ['GET'],
      path: '/api/v1/updates',
      access: 'read',
      tag: 'updates',
      summary: 'Recorded updates, newest first, including those in flight',
      description: `Filters: \`container\`, \`actor\` (who made or approved it: a token's holder, \`cli:<user>\`, \`schedule\`, \`webhook:<kind>\`), \`outcome\` (${UPDATE_OUTCOMES.join(', ')}), \`since\` and \`until\` (start time, epoch ms or ISO 8601; until is exclusive), \`limit\` (1 to ${HISTORY_MAX_LIMIT}, default 50). Pass \`nextCursor\` as \`cursor\` for the next page; it is null on the last.`,
      query: HistoryParams,
      responses: { 200: '`{ items: Update[], nextCursor: string | null }`' },
      handle: ({ c, query }) => c.json(history.list(query)),
    }),
    defineRoute({
      methods: ['GET'],
      path: '/api/v1/updates/:id',
      access: 'read',
      tag: 'updates',
      summary: 'One recorded update, with every field (its failed container’s log lines included)',
      params: IdParams,
      responses: { 200: 'The update', 404: 'No update with this id' },
      handle: ({ c, params }) => {
        const record = history.get(params.id);
        if (record === undefined) throw apiError('not-found', `no update with id ${params.id}`);
        return c.json(record);
      },
    }),
  ];
}
