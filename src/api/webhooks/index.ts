import { dockerhubSource } from './dockerhub.js';
import { genericSource } from './generic.js';
import { ghcrSource } from './ghcr.js';
import { harborSource } from './harbor.js';
import { quaySource } from './quay.js';
import { registrySource } from './registry.js';
import type { WebhookSource } from './source.js';

export { WebhookDispatcher, DEBOUNCE_MS, MAX_WAIT_MS, type Timers } from './dispatch.js';
export { WEBHOOK_KINDS, type WebhookKind, type WebhookSource, type WebhookAuth } from './source.js';

/** Every webhook sender, served at /api/v1/webhooks/<kind>. */
export const WEBHOOK_SOURCES: readonly WebhookSource[] = [
  registrySource,
  dockerhubSource,
  ghcrSource,
  harborSource,
  quaySource,
  genericSource,
];
