import { isIP } from 'node:net';
import { DOCKER_HUB, registryApiHost } from '../domain/image-ref.js';

/** Splits `host:port`, `[::1]:5000`, `host` into host (brackets dropped) and port. */
export function splitHostPort(address: string): { host: string; port: string | undefined } {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(address);
  if (bracketed !== null) return { host: bracketed[1] ?? '', port: bracketed[2] };
  const colon = address.lastIndexOf(':');
  if (colon !== -1 && address.indexOf(':') === colon) {
    return { host: address.slice(0, colon), port: address.slice(colon + 1) };
  }
  return { host: address, port: undefined };
}

/** Loopback is plain http, as the docker engine treats it: traffic there never leaves the machine. */
export function isLoopback(host: string): boolean {
  const lower = host.toLowerCase();
  if (lower === 'localhost' || lower === '::1') return true;
  return isIP(lower) === 4 && lower.startsWith('127.');
}

/** Where Docker Hub is mirrored (dockerd's registry-mirrors), and where Hub itself answers. */
export interface HubRoutes {
  /** Mirror origins (`http://mirror:5000`), tried in order before Hub. */
  readonly mirrors?: readonly string[];
  /**
   * `host[:port]` that answers for docker.io instead of registry-1.docker.io: only for tests, which
   * have no Docker Hub and stand a local registry in for it (TIDEWATCH_DOCKER_HUB_ORIGIN).
   */
  readonly hubOrigin?: string;
}

/**
 * Which registries are spoken to over plain http: loopback always, plus the configured ones, by
 * `host` (any port) or exact `host:port`. Everything else is https with normal TLS verification.
 * Docker Hub's mirrors are registries too, named by their `host:port`; an `http://` mirror is
 * spoken to over plain http, as dockerd does.
 */
export class Endpoints {
  private readonly insecure: ReadonlySet<string>;
  private readonly hubMirrors: readonly string[];
  private readonly hubOrigin: string | undefined;

  constructor(insecureRegistries: readonly string[] = [], hub: HubRoutes = {}) {
    const mirrors = (hub.mirrors ?? []).map((origin) => new URL(origin));
    this.hubMirrors = mirrors.map((url) => url.host);
    const plainMirrors = mirrors.filter((url) => url.protocol === 'http:').map((url) => url.host);
    this.insecure = new Set(
      [...insecureRegistries, ...plainMirrors].map((entry) => entry.trim().toLowerCase()).filter(Boolean),
    );
    this.hubOrigin = hub.hubOrigin;
  }

  isInsecure(address: string): boolean {
    const lower = address.toLowerCase();
    const { host } = splitHostPort(lower);
    return isLoopback(host) || this.insecure.has(lower) || this.insecure.has(host);
  }

  /** `https://registry-1.docker.io` for `docker.io`, `http://127.0.0.1:5000` for a loopback registry. */
  baseUrl(registry: string): string {
    const apiHost =
      registry === DOCKER_HUB && this.hubOrigin !== undefined ? this.hubOrigin : registryApiHost(registry);
    return `${this.isInsecure(apiHost) ? 'http' : 'https'}://${apiHost}`;
  }

  /** The mirrors (`host:port`, each a registry of its own) asked before `registry`: Hub's only, as dockerd. */
  mirrorsOf(registry: string): readonly string[] {
    return registry === DOCKER_HUB ? this.hubMirrors : [];
  }

  /**
   * Whether credentials may be sent to a token realm: only over https, or to a host we were told
   * to (or must) speak plain http to. A registry must not be able to pull a password out in clear.
   */
  mayCarryCredentials(url: URL): boolean {
    return url.protocol === 'https:' || (url.protocol === 'http:' && this.isInsecure(url.host));
  }
}
