import type { ProxyLabels } from '../config/index.js';
import type { ContainerDetails } from '../domain/index.js';
import type { Engine } from '../engine/index.js';
import { backendAddress } from './backend-address.js';
import { pointCaddyAt } from './caddy.js';
import { pointHaproxyAt } from './haproxy.js';
import { runHostCommand } from './host-command.js';
import { pointNginxAt } from './nginx.js';

/**
 * Tells the proxy to send new requests to `to` only, for the container named `container` (its
 * lasting name: `to` may still have its temporary one). `from` is the container leaving (the
 * generic command is told both); undefined when it is gone or unknown. Idempotent: pointing again at the
 * same container changes nothing, so a repair can always say it once more. Resolves to the address
 * the proxy now dials.
 */
export async function pointProxyAt(
  engine: Engine,
  container: string,
  proxy: ProxyLabels,
  to: ContainerDetails,
  from: ContainerDetails | undefined,
): Promise<string> {
  const address = backendAddress(to, proxy);
  switch (proxy.driver) {
    case 'nginx':
      await pointNginxAt(engine, proxy, address);
      break;
    case 'caddy':
      await pointCaddyAt(proxy, address);
      break;
    case 'haproxy':
      await pointHaproxyAt(proxy, address);
      break;
    case 'command':
      await runHostCommand(proxy.command, {
        TIDEWATCH_CONTAINER: container,
        TIDEWATCH_PROXY_NEW_ID: to.id,
        TIDEWATCH_PROXY_NEW_ADDRESS: address,
        TIDEWATCH_PROXY_OLD_ID: from?.id ?? '',
        TIDEWATCH_PROXY_OLD_ADDRESS: from ? safeAddress(from, proxy) : '',
      });
      break;
  }
  return address;
}

function safeAddress(details: ContainerDetails, proxy: ProxyLabels): string {
  try {
    return backendAddress(details, proxy);
  } catch {
    return '';
  }
}
