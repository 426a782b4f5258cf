import { z } from 'zod';
import { effectiveConfig } from '../../config/index.js';
import { redactText } from '../../domain/redact.js';
import type { OutboxRow } from '../../store/index.js';
import type { ApiContext } from '../context.js';
import { defineRoute, type ApiRoute } from '../route.js';
import type { OutboxAnswer, OutboxMessage } from '../view-types.js';
import { gitopsSources } from './gitops-sources.js';
import { swarmServices } from './swarm-services.js';

const OUTBOX_MAX_LIMIT = 500;

const LimitQuery = z.strictObject({
  limit: z
    .string()
    .regex(/^\d{1,4}$/, 'expected a whole number')
    .transform(Number)
    .pipe(z.number().int().min(1).max(OUTBOX_MAX_LIMIT))
    .optional(),
});

/** What a queued message says, as far as a person reading the outbox needs: its title and text. */
const Shown = z.looseObject({ title: z.string().optional(), body: z.string().optional() });

/** One outbox row for the API: the target as its redacted label, never the rendered request. */
function outboxItem(row: OutboxRow): OutboxMessage {
  let shown: z.infer<typeof Shown> = {};
  try {
    shown = Shown.catch({}).parse(JSON.parse(row.payload));
  } catch {
    // A row the notifier could not parse either: its status says so, its text is not shown.
  }
  return {
    id: row.id,
    target: redactText(row.targetLabel),
    event: row.event,
    level: row.level,
    state: row.deliveredAt !== null ? 'delivered' : row.failedAt !== null ? 'failed' : 'pending',
    attempts: row.attempts,
    createdAt: row.createdAt,
    nextAttemptAt: row.nextAttemptAt,
    deliveredAt: row.deliveredAt,
    failedAt: row.failedAt,
    lastError: row.lastError === null ? null : redactText(row.lastError),
    title: shown.title === undefined ? null : redactText(shown.title),
    body: redactText((shown.body ?? '').slice(0, 2000)),
  };
}

/**
 * Read-only views of the daemon for the dashboard (docs/dashboard.md#views): swarm services,
 * GitOps sources, the notification outbox and the effective configuration, secrets as `***`.
 */
export function viewRoutes(ctx: ApiContext): ApiRoute[] {
  const { deps } = ctx.daemon;
  return [
    defineRoute({
      methods: ['GET'],
      path: '/api/v1/services',
      access: 'read',
      tag: 'swarm',
      summary: 'Swarm services in scope, with how Tidewatch treats each and its last update',
      description:
        '`{ swarm: "off" | "not-manager" | "manager", nodeState, items }`; each item has `name`, `id`, `image`, `mode`, `watched`, `reason` (why not watched), `updateStatus` (the swarm’s own) and `lastUpdate` (from the history, as `service:NAME`). See docs/swarm.md.',
      responses: { 200: 'The services (an empty list when the engine is not a swarm manager)' },
      handle: async ({ c }) => c.json(await swarmServices(deps, ctx.logger)),
    }),
    defineRoute({
      methods: ['GET'],
      path: '/api/v1/gitops/sources',
      access: 'read',
      tag: 'gitops',
      summary: 'GitOps sources, their last apply and recent applies and drift corrections',
      description:
        'Each source: `name`, `url` (credentials as `***`), `branch`, `path`, `intervalMs`, `applying`, `lastApply` (`{ at, kind, commit, reason, projects }` since the daemon started, or null) and `history` (its projects’ recent applies, newest first). See docs/gitops.md.',
      responses: { 200: '`{ items: GitopsSource[] }`' },
      handle: ({ c }) => c.json({ items: gitopsSources(deps) }),
    }),
    defineRoute({
      methods: ['GET'],
      path: '/api/v1/notifications/outbox',
      access: 'read',
      tag: 'notifications',
      summary: 'The notification outbox: every queued, delivered and given-up message, newest first',
      description: `\`{ stats: { pending, delivered, failed }, items }\`; \`limit\` 1 to ${OUTBOX_MAX_LIMIT}, default 100. Targets are shown as their redacted URLs. See docs/notifications.md.`,
      query: LimitQuery,
      responses: { 200: '`{ stats, items: OutboxMessage[] }`' },
      handle: ({ c, query }) => {
        const answer: OutboxAnswer = {
          stats: deps.store.outbox.stats(),
          items: deps.store.outbox.recent(query.limit ?? 100).map(outboxItem),
        };
        return c.json(answer);
      },
    }),
    defineRoute({
      methods: ['GET'],
      path: '/api/v1/config',
      access: 'read',
      tag: 'config',
      summary: 'The effective configuration, as `tidewatch config print` shows it: every secret as ***',
      description:
        'Every layer applied (flags over env over the file over defaults), keyed as a config file holds it (docs/configuration.md). Secret options, URL credentials and secret-named keys are `***`.',
      responses: { 200: '`{ config: Record<string, unknown> }`' },
      handle: ({ c }) => c.json({ config: effectiveConfig(deps.settings) }),
    }),
  ];
}
