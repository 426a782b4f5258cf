import { z } from 'zod';
import { apiError } from '../errors.js';
import { defineSource, outcome } from './source.js';

// https://docs.github.com/en/webhooks/webhook-events-and-payloads#package
const Package = z.looseObject({
  name: z.string().min(1).max(512),
  namespace: z.string().max(256).optional(),
  package_type: z.string().max(64),
  owner: z.looseObject({ login: z.string().min(1).max(256) }).optional(),
  registry: z.looseObject({ host: z.string().max(256).optional() }).nullish(),
  package_version: z
    .looseObject({
      container_metadata: z
        .looseObject({
          tag: z.looseObject({ name: z.string().max(128).optional() }).nullish(),
        })
        .nullish(),
    })
    .nullish(),
});

const Payload = z.looseObject({
  action: z.string().max(64).optional(),
  package: Package.optional(),
});

export const ghcrSource = defineSource({
  kind: 'ghcr',
  summary: 'GitHub Container Registry (GitHub `package` events)',
  description:
    'A GitHub webhook with content type application/json, the secret as its secret (GitHub signs each delivery in X-Hub-Signature-256), and the "Packages" event. A container package published with a tag starts a check of the containers on `ghcr.io/<owner>/<name>:<tag>`; `ping` and other events are ignored.',
  auth: 'signature',
  schema: Payload,
  read: ({ payload, header }) => {
    const event = header('x-github-event');
    if (event !== 'package') return { ignored: `a GitHub ${event ?? 'unnamed'} event, not a package event` };
    const pkg = payload.package;
    if (pkg === undefined) throw apiError('invalid-body', 'body package: a package event names its package');
    if (pkg.package_type.toLowerCase() !== 'container') return { ignored: 'not a container package' };
    const owner = pkg.namespace ?? pkg.owner?.login;
    if (owner === undefined) throw apiError('invalid-body', 'body package: no namespace or owner');
    const tag = pkg.package_version?.container_metadata?.tag?.name;
    const host = pkg.registry?.host ?? 'ghcr.io';
    // GHCR names are lowercase whatever the case of the GitHub owner.
    const image = `${host}/${owner}/${pkg.name}`.toLowerCase();
    return outcome(tag ? [`${image}:${tag}`] : [], 'no tag published');
  },
});
