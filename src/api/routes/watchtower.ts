import { z } from 'zod';
import { parseImageRef } from '../../domain/index.js';
import type { ApiContext } from '../context.js';
import { defineRoute, type ApiRoute } from '../route.js';
import { reportJson, runNow } from './runs.js';

const UpdateQuery = z.strictObject({
  /** Comma-separated image references; every container when absent. */
  image: z
    .string()
    .max(8192)
    .transform((text, context) => {
      const images = text
        .split(',')
        .map((image) => image.trim())
        .filter((image) => image !== '');
      for (const image of images) {
        try {
          parseImageRef(image);
        } catch (error) {
          context.addIssue({
            code: 'custom',
            message: error instanceof Error ? error.message : String(error),
          });
          return z.NEVER;
        }
      }
      return images;
    })
    .optional(),
});

/**
 * Watchtower's POST /v1/update, so existing CI jobs keep working. GET is served too, as the
 * curl example in Watchtower's documentation sends one.
 */
export function watchtowerRoutes(ctx: ApiContext): ApiRoute[] {
  return [
    defineRoute({
      methods: ['POST', 'GET'],
      path: '/v1/update',
      access: 'mutate',
      tag: 'watchtower',
      summary: 'Watchtower-compatible: check and update now, answering when done',
      description:
        '`?image=a,b` limits the run to containers on those images, by full reference: `127.0.0.1:5000/app` never matches `docker.io/library/app`; without a tag every tag of the repository matches.',
      query: UpdateQuery,
      responses: { 200: '`{ checked, updated, failed, entries }` once the run is done' },
      handle: async ({ c, query }) => {
        const report = await runNow(ctx, { trigger: 'api', images: query.image });
        return c.json(reportJson(report));
      },
    }),
  ];
}
