import { z } from 'zod';
import { defineSource, outcome } from './source.js';

// https://distribution.github.io/distribution/about/notifications/ (the envelope every Docker
// Distribution based registry sends: the Debian docker-registry, Harbor's and GitLab's internals).
const Event = z.looseObject({
  action: z.string().max(64),
  target: z.looseObject({
    mediaType: z.string().max(256).optional(),
    repository: z.string().min(1).max(512),
    tag: z.string().max(128).optional(),
    digest: z.string().max(256).optional(),
    url: z.string().max(4096).optional(),
  }),
  request: z.looseObject({ host: z.string().max(512).optional() }).optional(),
});

const Envelope = z.looseObject({ events: z.array(Event).max(1000) });

const Query = z.strictObject({
  registry: z
    .string()
    .max(512)
    .regex(/^[a-zA-Z0-9.[\]:-]+$/, 'not a registry host')
    .optional(),
});

/** The registry host as the pusher named it: the Host header it sent, else the target URL's. */
function hostOf(event: z.infer<typeof Event>): string | undefined {
  if (event.request?.host) return event.request.host;
  try {
    return event.target.url === undefined ? undefined : new URL(event.target.url).host;
  } catch {
    return undefined;
  }
}

export const registrySource = defineSource({
  kind: 'registry',
  summary: 'Docker Distribution registry notifications',
  description:
    'Configure the registry\'s `notifications.endpoints` with this URL and `headers: { Authorization: ["Bearer <secret>"] }`. A manifest pushed by tag starts a check of the containers on that image; other events (blob pushes, pulls, deletes) are ignored. `?registry=host:port` names the registry as the containers do when that differs from the host the pusher used.',
  auth: 'bearer',
  schema: Envelope,
  query: Query,
  read: ({ payload, query }) => {
    const images = payload.events.flatMap((event) => {
      // A push by digest alone (a platform's manifest inside an index) moves no tag.
      if (event.action !== 'push' || !event.target.tag) return [];
      const host = query.registry ?? hostOf(event);
      return host === undefined ? [] : [`${host}/${event.target.repository}:${event.target.tag}`];
    });
    return outcome(images, 'no manifest pushed by tag');
  },
});
