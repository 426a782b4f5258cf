import type { Logger } from '../../log/index.js';
import type { Secrets } from '../../domain/redact.js';
import { Query } from '../target-url.js';
import type { Channel, Level, Payload } from '../types.js';

/** What every channel factory gets besides its URL. */
export interface ChannelOptions {
  readonly secrets: Secrets;
  readonly logger: Logger;
  /**
   * Where services with a fixed host (hooks.slack.com, api.telegram.org, ...) are reached instead,
   * as `http://127.0.0.1:PORT`: the tests' local receiver. Not a setting; see docs/notifications.md
   * for how self-hosted services are addressed through their URLs.
   */
  readonly apiBase?: string | undefined;
}

export type ChannelFactory = (url: URL, query: Query, options: ChannelOptions, label: string) => Channel;

/** The service's own base URL, or the override. */
export function base(options: ChannelOptions, official: string): string {
  return (options.apiBase ?? official).replace(/\/+$/, '');
}

/** Watchtower's colour (#406170) for news; amber and red for what needs a look. */
export function colorFor(level: Level): string {
  switch (level) {
    case 'panic':
    case 'fatal':
    case 'error':
      return '#c0392b';
    case 'warn':
      return '#d68910';
    case 'info':
    case 'debug':
    case 'trace':
      return '#406170';
  }
}

/** Cuts `text` to `max` characters, saying so, for services with a message size limit. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  const marker = '\n… (truncated)';
  return text.slice(0, Math.max(0, max - marker.length)) + marker;
}

/** Title and body as one text, for services with no title field. */
export function titled(payload: Payload, separator = '\n'): string {
  return payload.title !== undefined && payload.title !== ''
    ? `${payload.title}${separator}${payload.body}`
    : payload.body;
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The same ids, in the user part of a URL, as written (percent-decoded). */
export function userOf(url: URL): { user: string; password: string } {
  return { user: decodeURIComponent(url.username), password: decodeURIComponent(url.password) };
}
