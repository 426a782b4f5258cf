import type { Logger } from '../log/index.js';
import { CHANNELS } from './channels/index.js';
import { redactUrl, type Secrets } from '../domain/redact.js';
import { Query, badUrl, targetId } from './target-url.js';
import { compileTemplate, type Template } from './template.js';
import type { Channel } from './types.js';

/** One configured notification URL, ready to send to. */
export interface Target {
  /** Hash of the URL: the outbox's key. */
  readonly id: string;
  /** The URL with its secrets replaced by ***: the only form shown anywhere. */
  readonly label: string;
  readonly scheme: string;
  readonly channel: Channel;
  /** The URL's own template (`tidewatch_template=`), instead of the global or default one. */
  readonly template?: Template | undefined;
  /** The URL's `title=`, instead of the global title. */
  readonly title?: string | undefined;
}

export interface TargetOptions {
  readonly logger: Logger;
  /** Collects every URL's secrets, for redacting logs and errors. */
  readonly secrets: Secrets;
  /** Test-only: fixed-host services (Slack, Telegram, ...) are reached here instead. */
  readonly apiBase?: string | undefined;
}

function schemeOf(raw: string): string {
  return /^([a-z][a-z0-9+.-]*):/i.exec(raw)?.[1]?.toLowerCase() ?? '';
}

/** Parses one URL; a URL that is not understood stops Tidewatch at start, naming it without secrets. */
export function buildTarget(raw: string, index: number, options: TargetOptions): Target {
  const scheme = schemeOf(raw);
  // Until the URL is understood, its secrets are unknown: errors show its scheme only.
  const blind = `#${index + 1} (${scheme !== '' ? `${scheme}://…` : 'no scheme'})`;
  const factory = CHANNELS[scheme];
  if (factory === undefined) {
    throw badUrl(blind, `"${scheme}" is not a supported service (${Object.keys(CHANNELS).join(', ')})`);
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw badUrl(blind, 'it is not a URL');
  }
  const query = new Query(url);
  // The channel adds its secrets as it reads them (and later ones, such as a Matrix login's token).
  const channel = factory(
    url,
    query,
    { secrets: options.secrets, logger: options.logger, apiBase: options.apiBase },
    blind,
  );
  // Shown as the one redaction shows any URL; the secrets the channel found are removed too.
  options.secrets.addUrl(raw);
  const label = options.secrets.redact(redactUrl(raw));
  const source = query.get('tidewatch_template');
  return {
    id: targetId(raw),
    label,
    scheme,
    channel,
    template:
      source !== undefined
        ? compileTemplate(source, `the tidewatch_template of ${label}`, { escapes: true })
        : undefined,
    title: query.get('title'),
  };
}

/** Every URL once (the same URL twice is one target). */
export function buildTargets(urls: readonly string[], options: TargetOptions): Target[] {
  const seen = new Map<string, Target>();
  urls.forEach((raw, index) => {
    const target = buildTarget(raw, index, options);
    if (!seen.has(target.id)) seen.set(target.id, target);
  });
  return [...seen.values()];
}
