import { formatPolicy } from '../policy/index.js';
import { formatDuration } from './duration.js';
import { SECRET_OPTIONS, fileOptions } from './config-schema.js';
import type { OptionSpec } from './options.js';
import type { Settings } from './settings.js';

/** What a secret is shown as, everywhere (as the notifier's redaction). */
export const REDACTED = '***';

export interface EffectiveConfigOptions {
  /** A notification URL with its secrets hidden (the notifier knows each service's); default: the scheme only. */
  readonly redactUrl?: (url: string, index: number) => string;
  /** Print secrets as they are: only for tests of the round trip, never for a user. */
  readonly revealSecrets?: boolean;
}

type Value = string | number | boolean | readonly unknown[] | Record<string, unknown>;

const schemeOnly = (url: string): string => `${/^[a-z][a-z0-9+.-]*:/i.exec(url)?.[0] ?? ''}//${REDACTED}`;

/** The Settings field an option lands in (durations get `Ms`; legacy ones live in one object). */
function settingOf(settings: Readonly<Settings>, option: OptionSpec): unknown {
  const record = settings as unknown as Readonly<Record<string, unknown>>;
  if (option.key === 'legacyNotifications') return settings.legacyNotifications.types;
  if (option.key.startsWith('legacy')) {
    const name = option.key.slice('legacy'.length);
    const field = name.charAt(0).toLowerCase() + name.slice(1);
    const legacy = settings.legacyNotifications as Readonly<Record<string, unknown>>;
    return option.kind === 'duration' ? legacy[`${field}Ms`] : legacy[field];
  }
  return option.kind === 'duration' ? record[`${option.key}Ms`] : record[option.key];
}

function valueOf(settings: Readonly<Settings>, option: OptionSpec): Value | undefined {
  switch (option.key) {
    case 'policy':
      return formatPolicy(settings.policy);
    case 'window':
      return settings.window?.text;
    case 'registryLimits':
      return settings.registryLimits.map(({ registry, concurrency, requests, windowMs }) => ({
        registry,
        ...(concurrency === undefined ? {} : { concurrency }),
        ...(requests === undefined ? {} : { requests }),
        ...(windowMs === undefined ? {} : { window: formatDuration(windowMs) }),
      }));
    case 'gitopsSources':
      return settings.gitopsSources.map(({ intervalMs, ...source }) => ({
        ...source,
        interval: formatDuration(intervalMs),
      }));
  }
  const value = settingOf(settings, option);
  if (value === undefined || value === null) return undefined;
  if (option.kind === 'duration' && typeof value === 'number') return formatDuration(value);
  return value as Value;
}

/**
 * The settings as a configuration file would hold them (docs/configuration.md), after every
 * layer: flags over env over the file over defaults. Secrets are replaced by `***`. Fed back as a
 * config file it gives the same settings (secrets aside).
 */
export function effectiveConfig(
  settings: Readonly<Settings>,
  options: EffectiveConfigOptions = {},
): Record<string, unknown> {
  const reveal = options.revealSecrets === true;
  const redactUrl = options.redactUrl ?? schemeOnly;
  const out: Record<string, unknown> = {};
  for (const option of fileOptions()) {
    const value = valueOf(settings, option);
    if (value === undefined) continue;
    if (option.key === 'notificationUrls' && !reveal) {
      out[option.key] = settings.notificationUrls.map((url, index) => redactUrl(url, index));
    } else {
      out[option.key] = SECRET_OPTIONS.has(option.key) && !reveal ? REDACTED : value;
    }
  }
  if (settings.registries.length > 0) {
    out.registries = settings.registries.map((login) => ({
      host: login.host,
      ...(login.username === undefined ? {} : { username: login.username }),
      ...(login.password === undefined ? {} : { password: reveal ? login.password : REDACTED }),
      ...(login.credHelper === undefined ? {} : { credHelper: login.credHelper }),
    }));
  }
  return out;
}
