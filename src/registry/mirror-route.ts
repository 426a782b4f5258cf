import type { ImageRef } from '../domain/image-ref.js';
import type { Logger } from '../log/index.js';
import type { Endpoints } from './endpoints.js';
import { RegistryFailure } from './failure.js';

/**
 * Docker Hub's mirrors first, then Hub, as dockerd pulls (its registry-mirrors): the digest a
 * check compares is read from the source the engine will pull from. Any failure of a mirror
 * (down, 404 for an image it does not have, 401, 429) moves on to the next one and finally to
 * Hub; Hub's own answer is the outcome. A mirror that is down (unreachable, or 5xx) is not asked
 * again in the same cycle, so a dead mirror costs one request per cycle, not one per image.
 */
export class MirrorRoute {
  private readonly down = new Set<string>();

  constructor(
    private readonly endpoints: Endpoints,
    private readonly logger: Logger,
  ) {}

  /** `ask` for each source of `ref` in turn (`ref` with a mirror's host as its registry, then `ref`). */
  async first<T>(ref: ImageRef, signal: AbortSignal, ask: (source: ImageRef) => Promise<T>): Promise<T> {
    for (const mirror of this.endpoints.mirrorsOf(ref.registry)) {
      if (this.down.has(mirror)) continue;
      try {
        return await ask({ ...ref, registry: mirror });
      } catch (error) {
        if (!(error instanceof RegistryFailure) || signal.aborted) throw error;
        if (error.code === 'registry-unavailable') this.down.add(mirror);
        this.logger.warn(
          { mirror, code: error.code, reason: error.message },
          `registry mirror ${mirror} failed, asking the next source`,
        );
      }
    }
    return ask(ref);
  }
}
