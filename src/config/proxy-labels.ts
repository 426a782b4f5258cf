import { TidewatchError } from '../domain/errors.js';
import { found, invalid } from './label-values.js';

/**
 * The proxy in front of a container, from its `tidewatch.proxy*` labels: with start-first, once the
 * new container is verified, Tidewatch points the proxy at it and waits for the old one's requests
 * to finish before the old one leaves (docs/proxy-switch.md). Where the proxy dials the container:
 * its address on `network` (or its only network) and `port`.
 */
export type ProxyLabels = ProxyBackend &
  (
    | {
        readonly driver: 'nginx';
        /** A file of `server ADDRESS:PORT;` lines, included in an `upstream` block; written atomically. */
        readonly upstreamFile: string;
        /** Run after the file is written: a host command, or `reloadIn`'s exec. */
        readonly reload: string;
        /** The container nginx runs in; the reload runs there through exec. */
        readonly reloadIn: string | undefined;
      }
    | {
        readonly driver: 'caddy';
        /** Caddy's admin API. */
        readonly admin: string;
        /** The `@id` of the reverse_proxy handler whose upstreams are replaced. */
        readonly handlerId: string;
      }
    | {
        readonly driver: 'haproxy';
        /** The runtime API: `unix:/path` or `tcp:host:port`. */
        readonly admin: string;
        readonly backend: string;
        readonly server: string;
      }
    | {
        readonly driver: 'command';
        /** Run with `sh -c`, told the old and new containers in its environment. */
        readonly command: string;
      }
  );

export interface ProxyBackend {
  /** The port the container serves on, inside it. */
  readonly port: number;
  /** The network whose address the proxy dials; undefined: the container's only network. */
  readonly network: string | undefined;
}

export const PROXY_DRIVERS = ['nginx', 'caddy', 'haproxy', 'command'] as const;

type Labels = Readonly<Record<string, string>>;

function value(labels: Labels, name: string): string | undefined {
  return found(labels, name)?.value;
}

function required(labels: Labels, name: string, driver: string, example: string): string {
  const given = value(labels, name);
  if (given === undefined) {
    throw new TidewatchError(
      'invalid-label',
      `label tidewatch.${name} is needed with tidewatch.proxy=${driver} (for example ${example})`,
    );
  }
  return given;
}

function port(labels: Labels, driver: string): number {
  const given = required(labels, 'proxy.port', driver, '80');
  const parsed = /^\d{1,5}$/.test(given) ? Number(given) : NaN;
  if (!(parsed >= 1 && parsed <= 65535))
    throw invalid({ key: 'tidewatch.proxy.port', value: given }, 'must be a port, 1 to 65535');
  return parsed;
}

function haproxyAdmin(labels: Labels): string {
  const admin = required(labels, 'proxy.admin', 'haproxy', 'unix:/run/haproxy/admin.sock');
  if (!/^unix:\/.+$/.test(admin) && !/^tcp:[^:]+:\d{1,5}$/.test(admin)) {
    throw invalid(
      { key: 'tidewatch.proxy.admin', value: admin },
      'must be unix:/path/to/socket or tcp:host:port',
    );
  }
  return admin;
}

function caddyAdmin(labels: Labels): string {
  const admin = value(labels, 'proxy.admin') ?? 'http://127.0.0.1:2019';
  if (!/^https?:\/\/[^/]+\/?$/.test(admin)) {
    throw invalid(
      { key: 'tidewatch.proxy.admin', value: admin },
      'must be the admin API as http://host:port',
    );
  }
  return admin.replace(/\/$/, '');
}

function haproxyServer(labels: Labels): { backend: string; server: string } {
  const given = required(labels, 'proxy.upstream', 'haproxy', 'app/web');
  const match = /^([^/\s]+)\/([^/\s]+)$/.exec(given);
  if (!match?.[1] || !match[2])
    throw invalid({ key: 'tidewatch.proxy.upstream', value: given }, 'must be BACKEND/SERVER');
  return { backend: match[1], server: match[2] };
}

/**
 * Reads the proxy labels; undefined when `tidewatch.proxy` is not set. A malformed or missing
 * value throws one line naming the label and the cause, as the other labels do.
 */
export function readProxyLabels(labels: Labels): ProxyLabels | undefined {
  const driver = value(labels, 'proxy')?.toLowerCase();
  if (driver === undefined) return undefined;
  const backend = { network: value(labels, 'proxy.network') };
  switch (driver) {
    case 'nginx':
      return {
        driver,
        ...backend,
        port: port(labels, driver),
        upstreamFile: required(labels, 'proxy.upstream', driver, '/etc/nginx/upstreams/app.conf'),
        reload: value(labels, 'proxy.reload') ?? 'nginx -s reload',
        reloadIn: value(labels, 'proxy.container'),
      };
    case 'caddy':
      return {
        driver,
        ...backend,
        port: port(labels, driver),
        admin: caddyAdmin(labels),
        handlerId: required(labels, 'proxy.upstream', driver, 'app (the handler\'s "@id")'),
      };
    case 'haproxy':
      return {
        driver,
        ...backend,
        port: port(labels, driver),
        admin: haproxyAdmin(labels),
        ...haproxyServer(labels),
      };
    case 'command':
      return {
        driver,
        ...backend,
        port: port(labels, driver),
        command: required(labels, 'proxy.command', driver, '/usr/local/bin/switch-backend'),
      };
    default:
      throw invalid({ key: 'tidewatch.proxy', value: driver }, `must be one of ${PROXY_DRIVERS.join(', ')}`);
  }
}
