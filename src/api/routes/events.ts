import { z } from 'zod';
import type { TidewatchEventType } from '../../events/index.js';
import type { ApiContext } from '../context.js';
import { parsePart, defineRoute, type ApiRoute } from '../route.js';
import { streamEvents } from '../sse.js';

const EVENT_TYPES = [
  'check-started',
  'container-checked',
  'update-step',
  'update-skipped',
  'approval-needed',
  'check-finished',
  'fleet-rollout-halted',
] as const satisfies readonly TidewatchEventType[];

const EventsQuery = z.strictObject({
  /** Comma-separated event types; all when absent. */
  types: z
    .string()
    .max(512)
    .transform((text) => text.split(',').filter((type) => type !== ''))
    .pipe(z.array(z.enum(EVENT_TYPES)).min(1, 'name at least one event type'))
    .optional(),
});

const LastEventId = z
  .string()
  .regex(/^\d{1,16}$/, 'expected the id of an event of this stream')
  .transform(Number);

/** GET /api/v1/events: the live stream. */
export function eventRoutes(ctx: ApiContext): ApiRoute[] {
  return [
    defineRoute({
      methods: ['GET'],
      path: '/api/v1/events',
      access: 'read',
      tag: 'events',
      summary: 'Server-Sent Events: checks started and finished, every container checked, every update step',
      description:
        'Each event has the event type as `event:`, its JSON (with `at`, epoch ms) as `data:` and an increasing `id:`. Reconnect with `Last-Event-ID` to get what was missed (the last 1000 events are kept); a `gap` event says some were no longer kept. A `: heartbeat` comment comes every 15 seconds. `?types=update-step,check-finished` limits the stream.',
      query: EventsQuery,
      produces: 'text/event-stream',
      responses: { 200: 'The stream', 400: 'A bad `types` or `Last-Event-ID`' },
      handle: ({ c, query }) => {
        const header = c.req.header('last-event-id');
        const lastId =
          header === undefined
            ? undefined
            : parsePart(LastEventId, header.trim(), 'invalid-header', 'Last-Event-ID');
        return streamEvents(c, {
          log: ctx.events,
          lastId,
          types: query.types === undefined ? undefined : new Set(query.types),
          heartbeatMs: ctx.heartbeatMs,
          stopping: ctx.stopping,
        });
      },
    }),
  ];
}
