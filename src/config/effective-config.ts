import { REDACTED, redactSettings, redactUrl } from '../domain/redact.js';
import { formatDuration } from './duration.js';
import { fileOptions } from './config-schema.js';
import type { AnyOption } from './options/index.js';
import type { Settings } from './settings.js';

/** What a secret is shown as, everywhere (src/domain/redact.ts). */
export { REDACTED };

export interface EffectiveConfigOptions {
  /** Print secrets as they are: only for tests of the round trip, never for a user. */
  readonly revealSecrets?: boolean;
}

type Value = string | number | boolean | readonly unknown[] | Record<string, unknown>;

/** The value of the Settings field `option` fills (its `field`, inside its `group` if it has one). */
function fieldOf(settings: Readonly<Settings>, option: AnyOption): unknown {
  const holder: Readonly<Record<string, unknown>> =
    option.group === 'legacyNotifications' ? settings.legacyNotifications : settings;
  return holder[option.field];
}

/** An option's value as a config file holds it: its spec's `show`, a duration as text, else as it is. */
export function shownValue(option: AnyOption, value: unknown): unknown {
  if (value === undefined || value === null) return undefined;
  if (option.show) return option.show(value);
  if (option.kind === 'duration' && typeof value === 'number') return formatDuration(value);
  return value;
}

function valueOf(settings: Readonly<Settings>, option: AnyOption): Value | undefined {
  const value = shownValue(option, fieldOf(settings, option));
  return value === undefined || value === null ? undefined : (value as Value);
}

/**
 * The settings as a configuration file would hold them (docs/configuration.md), after every
 * layer: flags over env over the file over defaults. Secrets are replaced by `***`: the options
 * marked secret, the secrets of every URL (notification URLs, GitOps sources) and of every
 * secret-named key (src/domain/redact.ts). Fed back as a config file it gives the same settings
 * (secrets aside).
 */
export function effectiveConfig(
  settings: Readonly<Settings>,
  options: EffectiveConfigOptions = {},
): Record<string, unknown> {
  const reveal = options.revealSecrets === true;
  const out: Record<string, unknown> = {};
  for (const option of fileOptions()) {
    const value = valueOf(settings, option);
    if (value === undefined) continue;
    if (option.key === 'notificationUrls' && !reveal) {
      out[option.key] = settings.notificationUrls.map((url) => redactUrl(url));
    } else if (reveal) {
      out[option.key] = value;
    } else {
      // By key too: an option named like a secret is one, even if its spec forgot to say so.
      out[option.key] =
        option.secret === true ? REDACTED : redactSettings({ [option.key]: value })[option.key];
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
