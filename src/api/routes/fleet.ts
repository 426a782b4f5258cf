import type { Context } from 'hono';
import { z } from 'zod';
import {
  MEMBER_HEADER,
  MemberReport,
  REPORT_PATH,
  STREAM_PATH,
  type FleetController,
} from '../../fleet/index.js';
import { bearerToken, type Denial } from '../auth.js';
import type { ApiContext } from '../context.js';
import { memberStream } from '../member-stream.js';
import { defineRoute, type ApiRoute } from '../route.js';

const StreamQuery = z.strictObject({
  wave: z
    .string()
    .regex(/^\d{1,4}$/, 'expected a wave number')
    .transform(Number),
});

/** The member a request is from: its token, which must be live and be the named member's. */
function memberOf(fleet: FleetController, c: Context): { member: string; token: string } | Denial {
  const token = bearerToken(c.req.header('authorization'));
  const claimed = c.req.header(MEMBER_HEADER) ?? '';
  if (token === undefined) return { code: 'unauthorized', message: 'a member token is required' };
  const answer = fleet.authenticate(token, claimed);
  if ('refused' in answer) return { code: 'unauthorized', message: answer.refused };
  return { member: answer.member, token };
}

const denialOf = (fleet: FleetController, c: Context): Denial => {
  const who = memberOf(fleet, c);
  return who && 'code' in who ? who : undefined;
};

/** A controller's routes (--fleet): members' stream and reports, and the fleet's view. */
export function fleetRoutes(ctx: ApiContext): ApiRoute[] {
  const fleet = ctx.daemon.fleet;
  if (!fleet) return [];
  const who = (c: Context): { member: string; token: string } => {
    const answer = memberOf(fleet, c);
    if (!answer || 'code' in answer) throw new Error('the route was served without its member check');
    return answer;
  };
  return [
    defineRoute({
      methods: ['GET'],
      path: STREAM_PATH,
      access: 'webhook',
      authorize: (c) => denialOf(fleet, c),
      security: ['memberToken'],
      tag: 'fleet',
      summary: "A member's instructions: Server-Sent Events, one `targets` event whenever its digests change",
      description: `The member sends its token as a bearer token and its name in \`${MEMBER_HEADER}\`. A \`targets\` event carries every digest the member should run now; a \`: heartbeat\` comment comes every 15 seconds.`,
      query: StreamQuery,
      produces: 'text/event-stream',
      responses: { 200: 'The stream', 401: 'No, an unknown, a revoked or another member’s token' },
      handle: ({ c, query }) => {
        const { member, token } = who(c);
        return memberStream(c, {
          heartbeatMs: ctx.heartbeatMs,
          stopping: ctx.stopping,
          open: (send, end) =>
            fleet.connect(member, query.wave, token, {
              sendTargets: (targets) => send('targets', JSON.stringify({ targets })),
              close: end,
            }),
        });
      },
    }),
    defineRoute({
      methods: ['POST'],
      path: REPORT_PATH,
      access: 'webhook',
      authorize: (c) => denialOf(fleet, c),
      security: ['memberToken'],
      tag: 'fleet',
      summary: "A member's report: its containers on watched images and what it did about its targets",
      body: MemberReport,
      responses: {
        204: 'Taken',
        400: 'Not a report',
        401: 'No, an unknown, a revoked or another member’s token',
      },
      handle: ({ c, body }) => {
        fleet.report(who(c).member, body);
        return c.body(null, 204);
      },
    }),
    defineRoute({
      methods: ['GET'],
      path: '/api/v1/fleet',
      access: 'read',
      tag: 'fleet',
      summary: 'The fleet: members (online, last seen, version, containers) and rollouts with their waves',
      responses: { 200: 'The fleet' },
      handle: ({ c }) => c.json(fleet.view()),
    }),
  ];
}
