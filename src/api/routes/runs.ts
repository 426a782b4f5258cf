import type { Context } from 'hono';
import { z } from 'zod';
import { describeError } from '../../domain/errors.js';
import type { RunRequest } from '../../scheduler/index.js';
import { journalOf } from '../../store/index.js';
import { rollbackToPrevious, type CycleReport } from '../../updater/index.js';
import type { ApiContext } from '../context.js';
import { apiError } from '../errors.js';
import { ContainerName, NameParams, QueryBoolean, defineRoute, type ApiRoute } from '../route.js';

const WaitQuery = z.strictObject({
  /** false: answer 202 at once instead of waiting for the run. */
  wait: QueryBoolean.optional(),
});

const CheckQuery = WaitQuery.extend({
  /** Comma-separated container names; all when absent. */
  container: z
    .string()
    .max(4096)
    .transform((text) => text.split(',').filter((name) => name !== ''))
    .pipe(z.array(ContainerName).min(1, 'name at least one container').max(100))
    .optional(),
  /** false: check only, change nothing (what the dashboard's "Check now" asks for). */
  update: QueryBoolean.optional(),
});

/** A run's report as the API answers it: every field present, null when unknown. */
export function reportJson(report: CycleReport): Record<string, unknown> {
  return {
    checked: report.entries.length,
    updated: report.updated,
    failed: report.failed,
    entries: report.entries.map((entry) => ({
      name: entry.name,
      id: entry.id,
      image: entry.image,
      status: entry.status,
      action: entry.action ?? null,
      currentDigest: entry.currentDigest ?? null,
      latestDigest: entry.latestDigest ?? null,
      reason: entry.reason ?? null,
    })),
  };
}

/** Asks the run queue for a run and resolves with the report of the run that covered it. */
export async function runNow(ctx: ApiContext, request: RunRequest): Promise<CycleReport> {
  const report = await ctx.daemon.runs.request(request);
  ctx.metrics.runServed(report);
  return report;
}

/**
 * With `wait` (the default) the report of the run, once done; without, undefined at once (the
 * outcome then shows in /events and /updates).
 */
async function requestRun(
  ctx: ApiContext,
  request: RunRequest,
  wait: boolean,
): Promise<CycleReport | undefined> {
  const pending = runNow(ctx, request);
  if (wait) return pending;
  pending.catch((error: unknown) => {
    ctx.logger.warn(
      { trigger: request.trigger, reason: describeError(error) },
      'a run asked for over the API failed',
    );
  });
  return undefined;
}

function answer(c: Context, report: CycleReport | undefined, pick?: string): Response {
  if (report === undefined) return c.json({ queued: true }, 202);
  const json = reportJson(report);
  if (pick === undefined) return c.json(json);
  const entry = (json.entries as Array<{ name: string }>).find((candidate) => candidate.name === pick);
  return c.json(entry ?? { name: pick, status: 'unknown', reason: 'it was not checked' });
}

/** Runs now: a whole check, one container's update, one container's rollback. */
export function runRoutes(ctx: ApiContext): ApiRoute[] {
  const { deps } = ctx.daemon;
  const mustExist = async (name: string): Promise<void> => {
    if ((await deps.engine.inspectContainer(name)) === undefined) {
      throw apiError('not-found', `no container named ${name}`);
    }
  };
  return [
    defineRoute({
      methods: ['POST'],
      path: '/api/v1/check',
      access: 'mutate',
      tag: 'runs',
      summary:
        'Check now, and update what has a new image (as the schedule would); `?update=false` only checks',
      description:
        '`?container=a,b` limits the run to those containers. `?update=false` checks and reports without changing anything (as `tidewatch check`; the containers view and the events show what was found). Answers when the run is done, with its report; `?wait=false` answers 202 at once.',
      query: CheckQuery,
      responses: {
        200: 'The run’s report: `{ checked, updated, failed, entries }`',
        202: 'Queued (`wait=false`)',
      },
      handle: async ({ c, query, holder }) => {
        const checkOnly = query.update === false;
        const request = { trigger: 'api', names: query.container, actor: holder, checkOnly } as const;
        const report = await requestRun(ctx, request, query.wait ?? true);
        return answer(c, report);
      },
    }),
    defineRoute({
      methods: ['POST'],
      path: '/api/v1/containers/:name/update',
      access: 'mutate',
      tag: 'runs',
      summary: 'Check one container now and update it if its tag points at a new image',
      params: NameParams,
      query: WaitQuery,
      responses: {
        200: 'Its entry of the run’s report (`status`, `action`, digests, `reason`)',
        202: 'Queued (`wait=false`)',
        404: 'No such container',
      },
      handle: async ({ c, params, query, holder }) => {
        await mustExist(params.name);
        const request = { trigger: 'api', names: [params.name], actor: holder } as const;
        const report = await requestRun(ctx, request, query.wait ?? true);
        return answer(c, report, params.name);
      },
    }),
    defineRoute({
      methods: ['POST'],
      path: '/api/v1/containers/:name/rollback',
      access: 'mutate',
      tag: 'runs',
      summary: 'Put a container back on the image it ran before its last committed update',
      description:
        'As `tidewatch rollback NAME`: journaled and verified like an update, never during a run. The digest it leaves is skipped until its bad digests are forgotten.',
      params: NameParams,
      responses: {
        200: '`{ rolledBack: true, imageId }`',
        404: 'No such container',
        409: 'Nothing to roll back to (the reason says why)',
      },
      handle: async ({ c, params, holder }) => {
        await mustExist(params.name);
        // Recorded as made by the named token's holder (or the signed-in person) who asked.
        const store = { ...deps.store, journal: journalOf(deps.store.journal, holder) };
        // Not aborted when the client goes away: a rollback, like an update, runs to its end.
        const result = await ctx.daemon.runs.exclusive('api', () =>
          rollbackToPrevious({ ...deps, store }, params.name, new AbortController().signal, 'api'),
        );
        if (!result.ok) throw apiError('conflict', `could not roll back ${params.name}: ${result.reason}`);
        ctx.metrics.manualRollback();
        ctx.logger.info({ container: params.name, imageId: result.imageId }, 'rolled back (API)');
        return c.json({ rolledBack: true, imageId: result.imageId });
      },
    }),
  ];
}
