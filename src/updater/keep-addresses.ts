import type { ContainerDetails, CreateSpec, EndpointSettings } from '../domain/index.js';

type NetworkEntry = NonNullable<CreateSpec['primaryNetwork']>;

/**
 * The spec with each network's addresses in use (IP and MAC) kept: for an engine whose inspect
 * cannot tell an address the user chose from one it assigned (Podman: `IPAMConfig` is always null
 * there, and `Config.MacAddress` absent). Keeping every address keeps the chosen ones, which recreating
 * would otherwise silently change; an assigned one merely stays the same. Only for stop-first:
 * the old container has let go of its addresses by then, while under start-first it still holds
 * them (docs/podman.md). Addresses the spec already sets are left as they are. Pure.
 */
export function withAddressesKept(spec: CreateSpec, old: ContainerDetails): CreateSpec {
  const keep = (entry: NetworkEntry): NetworkEntry => ({
    name: entry.name,
    endpoint: keptEndpoint(entry.endpoint, old.networks[entry.name]),
  });
  const primary = spec.primaryNetwork;
  return {
    ...spec,
    primaryNetwork: primary ? keep(primary) : undefined,
    extraNetworks: spec.extraNetworks.map(keep),
  };
}

/**
 * The endpoint with the addresses in use where it sets none. The MAC goes in the endpoint, where
 * Podman reads it at every API version (it ignores Config.MacAddress).
 */
function keptEndpoint(endpoint: EndpointSettings, inUse: EndpointSettings | undefined): EndpointSettings {
  if (!inUse) return endpoint;
  const chosen = endpoint.IPAMConfig ?? {};
  const ipv4 = inUse.IPAddress ?? '';
  const ipv6 = inUse.GlobalIPv6Address ?? '';
  const mac = inUse.MacAddress ?? '';
  const keepIp = !chosen.IPv4Address && !chosen.IPv6Address && (ipv4 !== '' || ipv6 !== '');
  return {
    ...endpoint,
    ...(keepIp && {
      IPAMConfig: {
        ...chosen,
        ...(ipv4 !== '' && { IPv4Address: ipv4 }),
        ...(ipv6 !== '' && { IPv6Address: ipv6 }),
      },
    }),
    ...(mac !== '' && !endpoint.MacAddress && { MacAddress: mac }),
  };
}
