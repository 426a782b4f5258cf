import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Context } from 'hono';
import { z } from 'zod';
import { gitopsOf } from '../../gitops/index.js';
import { hmacSignatureValid, secretsEqual, type Denial } from '../auth.js';
import type { ApiContext } from '../context.js';
import { apiError } from '../errors.js';
import { defineRoute, parsePart, type ApiRoute } from '../route.js';

/** What GitHub, Gitea and GitLab push events have in common, as far as a source is matched on it. */
const PushEvent = z.looseObject({
  // Every push event names the ref it moved; anything else (a ping, a tag event) is refused.
  ref: z.string().regex(/^refs\/[\w./-]+$/),
  repository: z
    .looseObject({
      clone_url: z.string().optional(),
      ssh_url: z.string().optional(),
      html_url: z.string().optional(),
      git_http_url: z.string().optional(),
      git_ssh_url: z.string().optional(),
      url: z.string().optional(),
    })
    .optional(),
  project: z
    .looseObject({ git_http_url: z.string().optional(), git_ssh_url: z.string().optional() })
    .optional(),
});
type PushEvent = z.infer<typeof PushEvent>;

/** POST /api/v1/webhooks/git: a push to a GitOps source's repository applies it at once. */
export function gitopsRoutes(ctx: ApiContext): ApiRoute[] {
  return [
    defineRoute({
      methods: ['POST'],
      path: '/api/v1/webhooks/git',
      access: 'webhook',
      tag: 'webhooks',
      summary: 'A git push (GitHub, Gitea, GitLab): apply the GitOps sources of that repository and branch',
      description:
        'Signed with the webhook secret: GitHub X-Hub-Signature-256, Gitea X-Gitea-Signature (HMAC-SHA256 hex), GitLab X-Gitlab-Token. Sources on the pushed branch whose URL matches the repository are fetched and applied (see docs/gitops.md).',
      body: PushEvent,
      rawBody: true,
      security: ['webhookSignature'],
      authorize: (c, raw) => authorize(ctx.webhookSecret, c, raw),
      responses: {
        200: 'Valid, but no GitOps source is on that repository and branch (`ignored`)',
        202: 'Accepted: the named sources are fetched and applied now (`accepted`)',
        400: 'Not a push event',
        401: 'Missing or wrong signature or token',
        403: 'No secret is configured: webhooks are not served',
      },
      handle: ({ c, raw }) => receive(ctx, c, raw),
    }),
  ];
}

function authorize(secret: string | undefined, c: Context, raw: string): Denial {
  if (secret === undefined) {
    return {
      code: 'token-required',
      message: 'webhooks are served only with a secret (--webhook-secret or --api-token)',
    };
  }
  const github = c.req.header('x-hub-signature-256');
  const gitea = c.req.header('x-gitea-signature');
  const gitlab = c.req.header('x-gitlab-token');
  const valid =
    github !== undefined
      ? hmacSignatureValid(secret, raw, github)
      : gitea !== undefined
        ? hexHmacValid(secret, raw, gitea)
        : gitlab !== undefined && secretsEqual(secret, gitlab);
  return valid
    ? undefined
    : {
        code: 'unauthorized',
        message: 'X-Hub-Signature-256, X-Gitea-Signature or X-Gitlab-Token is missing or does not match',
      };
}

/** Gitea signs with the bare hex HMAC-SHA256 of the body. */
function hexHmacValid(secret: string, body: string, header: string): boolean {
  if (!/^[0-9a-f]{64}$/i.test(header.trim())) return false;
  const expected = createHmac('sha256', secret).update(body).digest();
  return timingSafeEqual(expected, Buffer.from(header.trim(), 'hex'));
}

function receive(ctx: ApiContext, c: Context, raw: string): Response {
  let json: unknown;
  try {
    json = JSON.parse(raw) as unknown;
  } catch {
    throw apiError('invalid-json', 'the body is not JSON');
  }
  const push = parsePart(PushEvent, json, 'invalid-body', 'body');
  const service = gitopsOf(ctx.daemon.deps.events);
  if (!service) return c.json({ accepted: [], ignored: 'no GitOps source is configured' }, 200);
  if (!push.ref.startsWith('refs/heads/')) {
    return c.json({ accepted: [], ignored: `${push.ref} is not a branch` }, 200);
  }
  const branch = push.ref.slice('refs/heads/'.length);
  const urls = urlsOf(push).map(normalizeUrl);
  const accepted = service.trigger(
    (source) => source.branch === branch && (urls.length === 0 || urls.includes(normalizeUrl(source.url))),
  );
  if (accepted.length === 0) {
    return c.json({ accepted: [], ignored: 'no GitOps source is on that repository and branch' }, 200);
  }
  ctx.logger.info({ sources: accepted, branch }, 'git webhook accepted');
  return c.json({ accepted }, 202);
}

function urlsOf(push: PushEvent): string[] {
  const repo = push.repository ?? {};
  return [
    repo.clone_url,
    repo.ssh_url,
    repo.html_url,
    repo.git_http_url,
    repo.git_ssh_url,
    repo.url,
    push.project?.git_http_url,
    push.project?.git_ssh_url,
  ].filter((url): url is string => url !== undefined && url !== '');
}

/** `https://user@host/org/repo.git/`, `git@host:org/repo` and `ssh://git@host/org/repo` all become `host/org/repo`. */
export function normalizeUrl(url: string): string {
  return url
    .trim()
    .replace(/^[a-z+]+:\/\//i, '')
    .replace(/^[^@/]+@/, '')
    .replace(/^([^/:]+):(?!\d+\/)/, '$1/')
    .replace(/\/+$/, '')
    .replace(/\.git$/, '')
    .toLowerCase();
}
