import { z } from 'zod';
import { defineSource, outcome } from './source.js';

const Payload = z.strictObject({
  /** A full reference: `registry.example.com:5000/team/app`, with or without a tag. */
  image: z.string().min(1).max(512),
  tag: z
    .string()
    .regex(/^[\w][\w.-]{0,127}$/, 'not a tag')
    .optional(),
  /** What CI pushed; informational: Tidewatch deploys what the tag points at when it checks. */
  digest: z
    .string()
    .regex(/^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}$/, 'not a digest')
    .optional(),
});

export const genericSource = defineSource({
  kind: 'generic',
  summary: 'Any sender (CI): { image, tag?, digest? }',
  description:
    'For CI jobs and anything else: `Authorization: Bearer <secret>` and a JSON body `{ "image": "host:port/repo", "tag": "1.2", "digest": "sha256:..." }`. Without a tag (in `image` or `tag`), every tag of the repository is checked. The digest is informational: Tidewatch deploys what the tag points at when it checks.',
  auth: 'bearer',
  schema: Payload,
  read: ({ payload }) =>
    outcome([payload.tag ? `${payload.image}:${payload.tag}` : payload.image], 'no image'),
});
