import { isIP } from 'node:net';
import { registryApiHost } from '../domain/image-ref.js';

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

/**
 * Which registries are spoken to over plain http: loopback always, plus the configured ones, by
 * `host` (any port) or exact `host:port`. Everything else is https with normal TLS verification.
 */
export class Endpoints {
  private readonly insecure: ReadonlySet<string>;

  constructor(insecureRegistries: readonly string[] = []) {
    this.insecure = new Set(insecureRegistries.map((entry) => entry.trim().toLowerCase()).filter(Boolean));
  }

  isInsecure(address: string): boolean {
    const lower = address.toLowerCase();
    const { host } = splitHostPort(lower);
    return isLoopback(host) || this.insecure.has(lower) || this.insecure.has(host);
  }

  /** `https://registry-1.docker.io` for `docker.io`, `http://127.0.0.1:5000` for a loopback registry. */
  baseUrl(registry: string): string {
    const apiHost = registryApiHost(registry);
    return `${this.isInsecure(apiHost) ? 'http' : 'https'}://${apiHost}`;
  }

  /**
   * Whether credentials may be sent to a token realm: only over https, or to a host we were told
   * to (or must) speak plain http to. A registry must not be able to pull a password out in clear.
   */
  mayCarryCredentials(url: URL): boolean {
    return url.protocol === 'https:' || (url.protocol === 'http:' && this.isInsecure(url.host));
  }
}
