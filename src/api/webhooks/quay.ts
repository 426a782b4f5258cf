import { z } from 'zod';
import { defineSource, outcome } from './source.js';

// https://docs.quay.io/guides/notifications.html ("Push to Repository")
const Payload = z.looseObject({
  docker_url: z.string().min(1).max(512),
  updated_tags: z.array(z.string().max(128)).max(1000),
});

export const quaySource = defineSource({
  kind: 'quay',
  summary: 'Quay repository push notifications',
  description:
    'A Quay "Push to Repository" notification with the Webhook POST method. Quay cannot set headers: add the secret to the URL as `?secret=<secret>`. Each updated tag starts a check of the containers on `<docker_url>:<tag>`.',
  auth: 'bearer-or-query',
  schema: Payload,
  read: ({ payload }) =>
    outcome(
      payload.updated_tags.map((tag) => `${payload.docker_url}:${tag}`),
      'no tag updated',
    ),
});
