import { createHash } from 'node:crypto';
import { TidewatchError } from '../domain/errors.js';

/**
 * A notification URL's query, read the way shoutrrr reads it: names are case-insensitive
 * (`disableTLS` and `disabletls` are one), and yes/true/1/on are true.
 */
export class Query {
  private readonly params = new Map<string, string>();

  constructor(url: URL) {
    for (const [name, value] of url.searchParams) this.params.set(name.toLowerCase(), value);
  }

  get(...names: readonly string[]): string | undefined {
    for (const name of names) {
      const value = this.params.get(name.toLowerCase());
      if (value !== undefined && value !== '') return value;
    }
    return undefined;
  }

  flag(...names: readonly string[]): boolean | undefined {
    const value = this.get(...names);
    if (value === undefined) return undefined;
    return ['yes', 'true', '1', 'on'].includes(value.toLowerCase());
  }

  list(...names: readonly string[]): string[] {
    return (this.get(...names) ?? '')
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '');
  }

  has(name: string): boolean {
    return this.params.has(name.toLowerCase());
  }
}

/** A stable id of a target in the outbox: a hash, so the store never holds the URL's secrets. */
export function targetId(url: string): string {
  return createHash('sha256').update(url).digest('hex').slice(0, 16);
}

export function badUrl(label: string, message: string): TidewatchError {
  return new TidewatchError('invalid-config', `notification URL ${label}: ${message}`);
}

/** The URL's path segments, decoded, without empty ones. */
export function pathSegments(url: URL): string[] {
  return url.pathname
    .split('/')
    .filter((segment) => segment !== '')
    .map((segment) => decodeURIComponent(segment));
}

/** `https://` unless the URL asks for plain HTTP (shoutrrr's disableTLS), for self-hosted services. */
export function httpScheme(query: Query): 'http' | 'https' {
  return query.flag('disabletls') === true ? 'http' : 'https';
}

/** host[:port] of a URL, as written. */
export function hostPort(url: URL): string {
  return url.port === '' ? url.hostname : `${url.hostname}:${url.port}`;
}
