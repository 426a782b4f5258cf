import type { Strategy } from '../config/index.js';
import type { ContainerDetails } from '../domain/index.js';

export type StrategyChoice = { readonly strategy: 'stop-first' | 'start-first' } | { readonly error: string };

const ANONYMOUS_VOLUME = /^[0-9a-f]{64}$/;

/**
 * What keeps a container from running twice side by side, which start-first needs: a fixed host
 * port (the second would not bind), the host's or another container's network stack (the same),
 * an anonymous volume (both would write one volume), a static IP or MAC (unique per network), or
 * containers bound to it by link or network namespace. Undefined when nothing does. Pure.
 */
export function startFirstBlocker(details: ContainerDetails, hasDependents: boolean): string | undefined {
  const mode = details.hostConfig.NetworkMode ?? 'default';
  if (mode === 'host' || mode === 'none' || mode.startsWith('container:'))
    return `its network mode is ${mode}`;
  const bindings = (details.hostConfig.PortBindings ?? {}) as Record<
    string,
    Array<{ HostPort?: string }> | null
  >;
  for (const [port, hosts] of Object.entries(bindings)) {
    const fixed = (hosts ?? []).find(
      (host) => host.HostPort !== undefined && host.HostPort !== '' && host.HostPort !== '0',
    );
    if (fixed) return `it publishes ${port} on fixed host port ${fixed.HostPort}`;
  }
  const anonymous = details.mounts.find(
    (mount) => mount.Type === 'volume' && ANONYMOUS_VOLUME.test(mount.Name ?? ''),
  );
  if (anonymous) return `it has an anonymous volume at ${anonymous.Destination}`;
  for (const [network, endpoint] of Object.entries(details.networks)) {
    const ipam = endpoint.IPAMConfig ?? {};
    if (ipam.IPv4Address || ipam.IPv6Address) return `it has a static IP address on ${network}`;
  }
  if (details.config.MacAddress) return 'it has a fixed MAC address';
  if (hasDependents) return 'other containers are bound to it (links, network namespace or depends-on)';
  return undefined;
}

/** The strategy to use: `auto` picks start-first when nothing blocks it; an explicit start-first that cannot work is an error, before anything changes. */
export function chooseStrategy(
  requested: Strategy,
  details: ContainerDetails,
  hasDependents: boolean,
): StrategyChoice {
  if (requested === 'stop-first') return { strategy: 'stop-first' };
  const blocker = startFirstBlocker(details, hasDependents);
  if (requested === 'auto') return { strategy: blocker ? 'stop-first' : 'start-first' };
  return blocker
    ? { error: `start-first cannot update ${details.name}: ${blocker}; use stop-first or auto` }
    : { strategy: 'start-first' };
}
