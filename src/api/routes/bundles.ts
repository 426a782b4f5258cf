import { z } from 'zod';
import type { ApiContext } from '../context.js';
import { defineRoute, type ApiRoute } from '../route.js';

const ListQuery = z.strictObject({
  limit: z
    .string()
    .regex(/^\d{1,3}$/, 'expected a number from 1 to 500')
    .transform(Number)
    .refine((n) => n >= 1 && n <= 500, 'expected a number from 1 to 500')
    .optional(),
});

/** Offline bundles (docs/offline.md): what was received, and what this host holds for the next one. */
export function bundleRoutes(ctx: ApiContext): ApiRoute[] {
  const { daemon } = ctx;
  return [
    defineRoute({
      methods: ['GET'],
      path: '/api/v1/bundles',
      access: 'read',
      tag: 'bundles',
      summary:
        'Bundles received, newest first: applied or refused (with the reason), what each carried and updated',
      query: ListQuery,
      responses: { 200: 'The bundles' },
      handle: ({ c, query }) => c.json({ items: daemon.deps.store.bundles.list(query.limit ?? 100) }),
    }),
    defineRoute({
      methods: ['GET'],
      path: '/api/v1/bundles/have',
      access: 'read',
      tag: 'bundles',
      summary:
        'What this host holds (as `tidewatch bundle have`): give it to `bundle create --have` for a delta',
      responses: { 200: 'The inventory' },
      handle: async ({ c }) => {
        if (!daemon.bundleHave)
          return c.json({ error: 'not-found', message: 'no bundle inventory here' }, 404);
        return c.json(await daemon.bundleHave());
      },
    }),
  ];
}
