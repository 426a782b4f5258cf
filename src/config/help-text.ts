import { shownValue } from './effective-config.js';
import type { AnyOption } from './options/index.js';

/**
 * The default an option's help shows, from its spec: the words of `defaultText` (a default that
 * depends on the machine), else its `default` as a config file would write it. Off switches and
 * empty lists show none: their absence says it.
 */
export function shownDefault(option: AnyOption): string | undefined {
  if (option.defaultText !== undefined) return option.defaultText;
  const value = option.default;
  if (value === undefined || value === false || (Array.isArray(value) && value.length === 0))
    return undefined;
  return String(shownValue(option, value));
}

/** An option's line in `--help`: what it does, its default, and the variables that set it too. */
export function helpText(option: AnyOption): string {
  const fallback = shownDefault(option);
  const env = option.env.length === 0 ? '' : ` [env: ${option.env.join(', ')}]`;
  return `${option.description}${fallback === undefined ? '' : ` (default ${fallback})`}${env}`;
}
