import { z } from 'zod';
import { describeError } from '../../domain/errors.js';
import { APPROVAL_STATES } from '../../policy/index.js';
import { createApprovalService, type ApprovalService } from '../../updater/index.js';
import type { ApiContext } from '../context.js';
import { apiError } from '../errors.js';
import { OIDC_NAME_PREFIX } from '../oidc-people.js';
import { ContainerName, defineRoute, type ApiRoute } from '../route.js';

const IdParams = z.strictObject({
  id: z
    .string()
    .regex(/^\d{1,12}$/, 'not an approval id')
    .transform(Number),
});

const ListQuery = z.strictObject({
  /** Comma-separated states; `pending` when absent, every state with `all`. */
  state: z
    .union([
      z.literal('all'),
      z
        .string()
        .transform((text) => text.split(','))
        .pipe(z.array(z.enum(APPROVAL_STATES)).min(1)),
    ])
    .optional(),
  container: ContainerName.optional(),
  limit: z
    .string()
    .regex(/^\d{1,3}$/, 'a number from 1 to 500')
    .transform(Number)
    .pipe(z.number().int().min(1).max(500))
    .optional(),
});

// Optional: a named token votes as itself (its holder is the voter); the shared token names one.
const VoteBody = z
  .strictObject({ voter: z.string().trim().min(1, 'name the voter').max(100).optional() })
  .optional();

/**
 * Who votes: the person who asked, always: a named token's holder or a session's person (OIDC or
 * named token), so two votes are two people, not one person typing two names. With the shared
 * --api-token, the name in the body, as before, but never an OIDC person's: those vote themselves.
 */
function voterOf(holder: string | undefined, named: string | undefined): string {
  if (holder !== undefined) {
    if (named !== undefined && named !== holder)
      throw apiError('invalid-body', `you vote as ${holder}; leave out voter or give that name`);
    return holder;
  }
  if (named === undefined) throw apiError('invalid-body', 'body.voter: name the voter');
  if (named.startsWith(OIDC_NAME_PREFIX))
    throw apiError('invalid-body', `${named} is signed in with OIDC and votes in person`);
  return named;
}

/** Approvals (tidewatch.approve): list them, and vote as `tidewatch approve|reject ID` does. */
export function approvalRoutes(ctx: ApiContext): ApiRoute[] {
  const { deps, runs } = ctx.daemon;
  const service: ApprovalService = createApprovalService(deps.store.approvals, {
    // Approved: run it now rather than at the next scheduled check (a window still applies).
    onApproved: (approval) => {
      // Made by the vote that decided it: history names who approved, not just "api".
      const actor = approval.votes.at(-1)?.voter;
      runs.request({ trigger: 'api', names: [approval.containerName], actor }).catch((error: unknown) => {
        ctx.logger.warn(
          { container: approval.containerName, reason: describeError(error) },
          'the run of an approved update failed',
        );
      });
    },
  });

  // An approval as the API shows it: with what a person reads before voting (docs/release-links.md).
  const withLinks = <T extends { containerName: string; toDigest: string }>(approval: T) => ({
    ...approval,
    releaseLinks: ctx.view.releaseLinksFor(approval.containerName, approval.toDigest),
  });

  const vote = (choice: 'approve' | 'reject') =>
    defineRoute({
      methods: ['POST'],
      path: `/api/v1/approvals/:id/${choice}`,
      access: 'mutate',
      tag: 'approvals',
      summary: choice === 'approve' ? 'Vote for an update' : 'Reject an update',
      description:
        choice === 'approve'
          ? 'With enough distinct votes the approval is `approved` and the update runs at once (inside its window, if it has one).'
          : 'One rejection decides: the container stays as it is, and this digest is not asked about again.',
      params: IdParams,
      body: VoteBody,
      responses: {
        200: 'The approval after the vote',
        404: 'No such approval',
        409: 'It is no longer pending, or this voter already voted',
      },
      handle: ({ c, params, body, holder }) => {
        const voter = voterOf(holder, body?.voter);
        const result =
          choice === 'approve' ? service.approve(params.id, voter) : service.reject(params.id, voter);
        if (result.ok) {
          ctx.logger.info({ approval: params.id, voter, choice }, 'approval vote (API)');
          return c.json(withLinks(result.approval));
        }
        if (result.code === 'not-found') throw apiError('not-found', result.message);
        if (result.code === 'invalid-voter') throw apiError('invalid-body', result.message);
        throw apiError('conflict', result.message);
      },
    });

  return [
    defineRoute({
      methods: ['GET'],
      path: '/api/v1/approvals',
      access: 'read',
      tag: 'approvals',
      summary: 'Updates waiting for approval (or, with `state`, any), newest first',
      query: ListQuery,
      responses: { 200: '`{ items: Approval[] }`' },
      handle: ({ c, query }) =>
        c.json({
          items: service
            .list({
              // Pending when not asked otherwise: what waits for a vote.
              ...(query.state === 'all' ? {} : { states: query.state ?? ['pending'] }),
              ...(query.container !== undefined ? { container: query.container } : {}),
              ...(query.limit !== undefined ? { limit: query.limit } : {}),
            })
            .map(withLinks),
        }),
    }),
    defineRoute({
      methods: ['GET'],
      path: '/api/v1/approvals/:id',
      access: 'read',
      tag: 'approvals',
      summary: 'One approval, with its votes',
      params: IdParams,
      responses: { 200: 'The approval', 404: 'No such approval' },
      handle: ({ c, params }) => {
        const approval = service.get(params.id);
        if (approval === undefined) throw apiError('not-found', `no approval ${params.id}`);
        return c.json(withLinks(approval));
      },
    }),
    vote('approve'),
    vote('reject'),
  ];
}
