import type { ContainerDetails, CreateSpec, ImageDefaults } from '../domain/index.js';
import { buildRecreateSpec } from '../updater/index.js';
import { SUCCESSOR_ENV } from './handover-file.js';

/**
 * The successor's container: the predecessor's own settings on the new image, as any container is
 * recreated (src/updater/recreate-spec.ts), under a temporary name, told whose successor it is.
 */
export function successorSpec(
  self: ContainerDetails,
  oldImage: ImageDefaults,
  apiVersion: string,
  now: number,
): CreateSpec {
  const spec = buildRecreateSpec(self, oldImage, self.config.Image ?? '', apiVersion);
  const env = (spec.config.Env ?? []).filter((entry) => !entry.startsWith(`${SUCCESSOR_ENV}=`));
  return {
    ...spec,
    name: `${self.name}-successor-${now.toString(36)}`,
    config: { ...spec.config, Env: [...env, `${SUCCESSOR_ENV}=${self.id}`] },
  };
}

/**
 * Why the successor cannot run beside its predecessor, or undefined. A published host port is held
 * by the predecessor until it stops, so the successor could not even start while it runs; the two
 * must overlap for the handover to leave no moment without an instance (docs/self-update.md).
 */
export function overlapBlocker(self: ContainerDetails): string | undefined {
  const bindings = self.hostConfig.PortBindings as Record<string, unknown[] | null> | undefined | null;
  const published = Object.entries(bindings ?? {}).filter(([, hosts]) => (hosts ?? []).length > 0);
  if (published.length > 0) {
    return `it publishes host ports (${published.map(([port]) => port).join(', ')}), which its successor could not bind while it runs; use --network host or reach it through a proxy`;
  }
  return undefined;
}
