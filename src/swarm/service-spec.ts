import type { ImageRef } from '../domain/index.js';
import type { UpdateStrategy } from '../store/index.js';
import type { ServiceSpec, SwarmUpdateConfig } from './types.js';

/** Tidewatch's UpdateConfig for a service that has none (`--swarm-update-order`, ...). */
export interface SwarmUpdateDefaults {
  readonly order: 'start-first' | 'stop-first';
  readonly failureAction: 'rollback' | 'pause' | 'continue';
  readonly monitorMs: number;
}

/** The reference without its digest, written as the service writes it (`repo:tag`): what history records. */
export function withoutDigest(image: string): string {
  const at = image.indexOf('@');
  return at === -1 ? image : image.slice(0, at);
}

/**
 * The image an update pins: the service's own reference with `digest` in place of the one it had,
 * so `127.0.0.1:5000/app:1.4@sha256:old` becomes `127.0.0.1:5000/app:1.4@sha256:new`. A reference
 * written without a tag gets the tag it meant, so `docker service ls` still shows one. A tag policy's
 * `tag` replaces the service's own: `app:1.4@sha256:old` moves to `app:1.6@sha256:new`, the
 * repository written exactly as the service wrote it.
 */
export function pinnedImage(image: string, ref: ImageRef, digest: string, tag?: string): string {
  const base = withoutDigest(image);
  const tagAt = base.lastIndexOf(':') > base.lastIndexOf('/') ? base.lastIndexOf(':') : -1;
  const repository = tagAt === -1 ? base : base.slice(0, tagAt);
  return `${repository}:${tag ?? (tagAt === -1 ? (ref.tag ?? 'latest') : base.slice(tagAt + 1))}@${digest}`;
}

/**
 * The UpdateConfig the swarm uses: the service's own, as its owner set it (`docker service create`
 * always writes one), else Tidewatch's defaults. Durations in the API are nanoseconds.
 */
export function effectiveUpdateConfig(
  own: SwarmUpdateConfig | undefined,
  defaults: SwarmUpdateDefaults,
): SwarmUpdateConfig {
  if (own !== undefined) return own;
  return {
    Parallelism: 1,
    Delay: 0,
    FailureAction: defaults.failureAction,
    Monitor: defaults.monitorMs * 1_000_000,
    MaxFailureRatio: 0,
    Order: defaults.order,
  };
}

/** The journal's strategy for a service update: the order the swarm replaces tasks in (its default is stop-first). */
export function strategyOf(config: SwarmUpdateConfig): UpdateStrategy {
  return config.Order === 'start-first' ? 'start-first' : 'stop-first';
}

type Json = Record<string, unknown>;

function objectAt(value: unknown): Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {};
}

/** The spec to send: the one the engine gave, with only the image and the UpdateConfig changed. */
export function specWithImage(
  spec: ServiceSpec,
  image: string,
  updateConfig: SwarmUpdateConfig,
): ServiceSpec {
  const template = objectAt(spec.TaskTemplate);
  const container = objectAt(template.ContainerSpec);
  return {
    ...spec,
    TaskTemplate: { ...template, ContainerSpec: { ...container, Image: image } },
    UpdateConfig: updateConfig,
  };
}
