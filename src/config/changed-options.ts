import { effectiveConfig } from './effective-config.js';
import { loadSettings, type Settings } from './settings.js';

let defaults: Record<string, unknown> | undefined;

/**
 * The options whose effective value differs from the default, as `config print` shows them
 * (secrets `***`): what the start line logs, so a log says how this instance was configured.
 */
export function changedOptions(settings: Readonly<Settings>): Record<string, unknown> {
  defaults ??= effectiveConfig(loadSettings({}, {}, undefined));
  const current = effectiveConfig(settings);
  const known = defaults;
  return Object.fromEntries(
    Object.entries(current).filter(([key, value]) => JSON.stringify(value) !== JSON.stringify(known[key])),
  );
}
