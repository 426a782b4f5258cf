import type { ProxyBackend } from '../config/proxy-labels.js';
import type { ContainerDetails } from '../domain/index.js';
import { TidewatchError } from '../domain/errors.js';

/**
 * Where a proxy dials the container: its address on the labelled network (or its only network)
 * and the labelled port, as `ADDRESS:PORT` (IPv6 in brackets). The address is read from the
 * engine's inspect, so it is the one the container has now, not the one it had last time.
 */
export function backendAddress(details: ContainerDetails, backend: ProxyBackend): string {
  const names = Object.keys(details.networks);
  const network = backend.network ?? (names.length === 1 ? names[0] : undefined);
  if (network === undefined) {
    throw new TidewatchError(
      'invalid-label',
      `container ${details.name} is on ${names.length === 0 ? 'no network' : `networks ${names.join(', ')}`}: set tidewatch.proxy.network to the one the proxy reaches`,
    );
  }
  const endpoint = details.networks[network];
  const address = endpoint?.['IPAddress'] || endpoint?.['GlobalIPv6Address'];
  if (typeof address !== 'string' || address === '') {
    throw new TidewatchError(
      'proxy-switch',
      `container ${details.name} has no address on network ${network}`,
    );
  }
  return address.includes(':') ? `[${address}]:${backend.port}` : `${address}:${backend.port}`;
}
