import { z } from 'zod';
import { defineSource, outcome } from './source.js';

// https://goharbor.io/docs/main/working-with-projects/project-configuration/configure-webhooks/
const Payload = z.looseObject({
  type: z.string().max(64),
  event_data: z.looseObject({
    resources: z
      .array(
        z.looseObject({
          tag: z.string().max(128).optional(),
          resource_url: z.string().max(1024).optional(),
        }),
      )
      .max(1000)
      .optional(),
  }),
});

export const harborSource = defineSource({
  kind: 'harbor',
  summary: 'Harbor webhooks (HTTP, PUSH_ARTIFACT)',
  description:
    'A Harbor webhook policy of type HTTP with "Auth Header" set to `Bearer <secret>`. A pushed artifact with a tag starts a check of the containers on its `resource_url`; other event types are ignored.',
  auth: 'bearer',
  schema: Payload,
  read: ({ payload }) => {
    if (payload.type !== 'PUSH_ARTIFACT') return { ignored: `a ${payload.type} event` };
    const images = (payload.event_data.resources ?? []).flatMap((resource) =>
      // resource_url is host/project/repo:tag for a push by tag.
      resource.tag && resource.resource_url ? [resource.resource_url] : [],
    );
    return outcome(images, 'no artifact pushed by tag');
  },
});
