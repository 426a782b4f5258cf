import { TidewatchError, describeError } from '../domain/errors.js';
import type { EngineConnection } from './connection.js';
import { engineRequest } from './raw-request.js';

/** A health check's own timeout is 30 s by default; the run answers when the check is done. */
const RUN_TIMEOUT_MS = 60_000;

/**
 * Runs a container's HEALTHCHECK once, now, through Podman's own API (`GET /libpod/containers/ID/
 * healthcheck`), which records the result in the container's health as a scheduled run would.
 * Podman schedules health checks with systemd timers; where there is no systemd (in a container,
 * on this lab) no check ever runs and a new container stays `starting` for ever, so verification
 * drives them itself (src/updater/verify.ts). Docker runs its own checks and needs none of this.
 */
export function podmanHealthcheckRunner(connection: EngineConnection): (id: string) => Promise<void> {
  return async (id) => {
    const path = `/v4.0.0/libpod/containers/${encodeURIComponent(id)}/healthcheck`;
    let status: number;
    let body: string;
    try {
      ({ status, body } = await engineRequest(connection, {
        method: 'GET',
        path,
        timeoutMs: RUN_TIMEOUT_MS,
      }));
    } catch (error) {
      throw new TidewatchError('engine-error', `running the health check of ${id}: ${describeError(error)}`, {
        cause: error,
      });
    }
    if (status !== 200) {
      throw new TidewatchError(
        'engine-error',
        `running the health check of ${id}: Podman answered ${status}: ${body.trim().slice(0, 200)}`,
      );
    }
  };
}

/**
 * The HEALTHCHECK an image defines, from Podman's own image inspect (`GET /libpod/images/ID/json`,
 * its `Healthcheck`): Podman's Docker-compatible inspect leaves it out of `Config`, and without it
 * a container's health check, which came from its image, would look set by the user and be carried
 * over an update that changed it. undefined when the image defines none or Podman does not say.
 */
export function podmanImageHealthcheck(connection: EngineConnection): (id: string) => Promise<unknown> {
  return async (id) => {
    const path = `/v4.0.0/libpod/images/${encodeURIComponent(id.replace(/^sha256:/, ''))}/json`;
    try {
      const { status, body } = await engineRequest(connection, { method: 'GET', path, timeoutMs: 30_000 });
      if (status !== 200) return undefined;
      // Podman 4 names it `Healthcheck`; later versions `HealthCheck`.
      const image = JSON.parse(body) as { Healthcheck?: unknown; HealthCheck?: unknown };
      return image.Healthcheck ?? image.HealthCheck ?? undefined;
    } catch {
      return undefined;
    }
  };
}
