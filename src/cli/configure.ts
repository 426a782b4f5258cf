import {
  loadSettings,
  logLevelOf,
  OPTIONS,
  unreadWatchtowerVariables,
  type FlagValues,
  type Settings,
} from '../config/index.js';
import { createLogger, type Logger } from '../log/index.js';

export interface Configured {
  readonly settings: Readonly<Settings>;
  readonly logger: Logger;
}

/**
 * Settings from every layer, validated once, and the logger they ask for (--log-level, or
 * Watchtower's --debug and --trace). Each WATCHTOWER_* variable that is set but that nothing reads
 * is one warning: a deployment moved from Watchtower learns what does not carry over, and runs on.
 */
export function configure(
  flags: FlagValues,
  env: NodeJS.ProcessEnv = process.env,
  options: { readonly quietOnTerminal?: boolean } = {},
): Configured {
  const settings: Readonly<Settings> = loadSettings(flags, env);
  const quiet =
    options.quietOnTerminal === true && process.stdout.isTTY && !levelAskedFor(flags, env, settings);
  const logger = createLogger({
    level: quiet ? 'warn' : logLevelOf(settings),
    ...(settings.logFormat === 'auto' ? {} : { pretty: settings.logFormat === 'pretty' }),
  });
  for (const { name, reason } of unreadWatchtowerVariables(env)) {
    logger.warn({ variable: name }, `${name} is set but Tidewatch does not read it: ${reason}`);
  }
  return { settings, logger };
}

/**
 * Whether a log level was asked for: by flag or variable (--log-level, --debug, --trace and their
 * TIDEWATCH_ and WATCHTOWER_ variables), or one other than the default in the config file.
 */
function levelAskedFor(flags: FlagValues, env: NodeJS.ProcessEnv, settings: Readonly<Settings>): boolean {
  const given = (name: string): boolean => env[name] !== undefined && env[name] !== '';
  return (
    flags[LOG_LEVEL.key] !== undefined ||
    settings.debug ||
    settings.trace ||
    settings.logLevel !== LOG_LEVEL.default ||
    LOG_LEVEL.env.some(given)
  );
}

// --log-level as the option spec declares it: its variables and default are named once, there.
const LOG_LEVEL = ((): { key: string; env: readonly string[]; default?: unknown } => {
  const option = OPTIONS.find((candidate) => candidate.key === 'logLevel');
  if (!option) throw new Error('the option spec has no logLevel');
  return option;
})();
