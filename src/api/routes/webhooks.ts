import type { Context } from 'hono';
import { z } from 'zod';
import { TidewatchError } from '../../domain/errors.js';
import { parseImageRef } from '../../domain/index.js';
import { bearerToken, hmacSignatureValid, secretsEqual, type Denial } from '../auth.js';
import type { ApiContext } from '../context.js';
import { apiError } from '../errors.js';
import { defineRoute, parsePart, type ApiRoute } from '../route.js';
import { WEBHOOK_SOURCES, type WebhookAuth, type WebhookSource } from '../webhooks/index.js';

const MAX_IMAGES = 100;

const SCHEMES: Record<WebhookAuth, readonly string[]> = {
  bearer: ['webhookSecret'],
  'bearer-or-query': ['webhookSecret', 'webhookQuery'],
  signature: ['webhookSignature'],
};

const SecretQuery = z.strictObject({ secret: z.string().max(1024).optional() });

/** POST /api/v1/webhooks/<kind>: one route per sender. */
export function webhookRoutes(ctx: ApiContext): ApiRoute[] {
  return WEBHOOK_SOURCES.map((source) =>
    defineRoute({
      methods: ['POST'],
      path: `/api/v1/webhooks/${source.kind}`,
      access: 'webhook',
      tag: 'webhooks',
      summary: source.summary,
      description: source.description,
      query: (source.query ?? z.strictObject({})).extend(
        source.auth === 'bearer-or-query' ? SecretQuery.shape : {},
      ),
      body: source.schema,
      rawBody: true,
      security: SCHEMES[source.auth],
      authorize: (c, raw) => {
        const denial = authorize(ctx.webhookSecret, source, c, raw);
        if (denial)
          ctx.metrics.webhookDelivery(
            source.kind,
            denial.code === 'unauthorized' ? 'unauthorized' : 'disabled',
          );
        return denial;
      },
      responses: {
        200: 'Valid, but nothing to do (the reason is in `ignored`)',
        202: 'Accepted: a check of these images starts within about a second (`accepted`)',
        400: 'Not a payload of this sender',
        401: 'Missing or wrong secret or signature',
        403: 'No secret is configured: webhooks are not served',
      },
      handle: ({ c, query, raw }) =>
        receive(ctx, source, c, query as Record<string, string | undefined>, raw),
    }),
  );
}

function authorize(secret: string | undefined, source: WebhookSource, c: Context, raw: string): Denial {
  if (secret === undefined) {
    return {
      code: 'token-required',
      message: 'webhooks are served only with a secret (--webhook-secret or --api-token)',
    };
  }
  if (source.auth === 'signature') {
    return hmacSignatureValid(secret, raw, c.req.header('x-hub-signature-256'))
      ? undefined
      : { code: 'unauthorized', message: 'X-Hub-Signature-256 is missing or does not match the body' };
  }
  const given =
    bearerToken(c.req.header('authorization')) ??
    (source.auth === 'bearer-or-query' ? c.req.query('secret') : undefined);
  if (given === undefined) return { code: 'unauthorized', message: 'the webhook secret is missing' };
  return secretsEqual(secret, given)
    ? undefined
    : { code: 'unauthorized', message: 'the webhook secret is wrong' };
}

function receive(
  ctx: ApiContext,
  source: WebhookSource,
  c: Context,
  query: Record<string, string | undefined>,
  raw: string,
): Response {
  let images: readonly string[];
  try {
    let json: unknown;
    try {
      json = JSON.parse(raw) as unknown;
    } catch {
      throw apiError('invalid-json', 'the body is not JSON');
    }
    const payload = parsePart(source.schema, json, 'invalid-body', 'body');
    const read = source.read({ payload, header: (name) => c.req.header(name), query });
    if ('ignored' in read) {
      ctx.metrics.webhookDelivery(source.kind, 'ignored');
      ctx.logger.debug({ kind: source.kind, why: read.ignored }, 'webhook ignored');
      return c.json({ accepted: [], ignored: read.ignored }, 200);
    }
    images = checkImages(read.images);
  } catch (error) {
    if (error instanceof TidewatchError) ctx.metrics.webhookDelivery(source.kind, 'invalid');
    throw error;
  }
  ctx.metrics.webhookDelivery(source.kind, 'accepted');
  ctx.logger.info({ kind: source.kind, images }, 'webhook accepted');
  ctx.webhooks.submit(source.kind, images);
  return c.json({ accepted: images }, 202);
}

function checkImages(images: readonly string[]): readonly string[] {
  if (images.length > MAX_IMAGES)
    throw apiError('invalid-body', `more than ${MAX_IMAGES} images in one delivery`);
  for (const image of images) {
    try {
      parseImageRef(image);
    } catch (error) {
      throw apiError('invalid-body', error instanceof Error ? error.message : String(error));
    }
  }
  return images;
}
