import type { ApiContext } from '../context.js';
import { apiError } from '../errors.js';
import { NameParams, defineRoute, type ApiRoute } from '../route.js';

/** The containers and what the last check said of them; a container's remembered bad digests. */
export function containerRoutes(ctx: ApiContext): ApiRoute[] {
  const { store } = ctx.daemon.deps;
  return [
    defineRoute({
      methods: ['GET'],
      path: '/api/v1/containers',
      access: 'read',
      tag: 'containers',
      summary: 'The containers Tidewatch watches, with their check status and last update',
      responses: { 200: '`{ items: Container[] }`, by name' },
      handle: async ({ c }) => c.json({ items: await ctx.view.list() }),
    }),
    defineRoute({
      methods: ['GET'],
      path: '/api/v1/containers/:name',
      access: 'read',
      tag: 'containers',
      summary: 'One container, with the digests it was rolled back from (`badDigests`)',
      params: NameParams,
      responses: { 200: 'The container', 404: 'No such container in this instance’s scope' },
      handle: async ({ c, params }) => {
        const info = await ctx.view.get(params.name);
        if (info === undefined)
          throw apiError('not-found', `no container named ${params.name} is watched here`);
        return c.json({ ...info, badDigests: store.badDigests.list(params.name) });
      },
    }),
    defineRoute({
      methods: ['DELETE'],
      path: '/api/v1/containers/:name/bad-digests',
      access: 'mutate',
      tag: 'containers',
      summary: 'Forget the digests a container was rolled back from, so a later check may deploy them again',
      description: 'As `tidewatch forget NAME`. Nothing to forget is not an error.',
      params: NameParams,
      responses: { 200: '`{ forgotten: number, digests: string[] }`' },
      handle: ({ c, params }) => {
        const digests = store.badDigests.list(params.name).map((bad) => bad.digest);
        const forgotten = store.badDigests.forget(params.name);
        ctx.logger.info({ container: params.name, forgotten }, 'bad digests forgotten (API)');
        return c.json({ forgotten, digests });
      },
    }),
  ];
}
