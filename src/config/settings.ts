import { readFileSync } from 'node:fs';
import { Cron } from 'croner';
import type { z } from 'zod';
import { TidewatchError, describeError } from '../domain/errors.js';
import { loadConfigFile, type ConfigFile } from './config-file.js';
import { OPTIONS, parseValue, type AnyOption, type RawValue } from './options/index.js';
import { Settings, optionAt } from './settings-schema.js';

export { Settings };

/** Values given on the command line, keyed by option key; undefined when not given. */
export type FlagValues = Readonly<Record<string, unknown>>;

/**
 * The config file named by --config or TIDEWATCH_CONFIG (src/config/config-file.ts), read and
 * validated; undefined when none is named.
 */
export function configFileFrom(flags: FlagValues, env: NodeJS.ProcessEnv): ConfigFile | undefined {
  const flag = flags.config;
  const path = typeof flag === 'string' && flag !== '' ? flag : env.TIDEWATCH_CONFIG;
  return path === undefined || path.trim() === '' ? undefined : loadConfigFile(path.trim());
}

/**
 * Merges flags > environment (Tidewatch names before Watchtower's) > config file > each option's
 * default, reads and validates each value once, and returns frozen settings. A bad value throws
 * one line naming its source (a flag, a variable, or the file's line and key) and the cause.
 */
export function loadSettings(
  flags: FlagValues,
  env: NodeJS.ProcessEnv,
  file: ConfigFile | undefined = configFileFrom(flags, env),
): Readonly<Settings> {
  const given = new Map<string, RawValue>();
  for (const option of OPTIONS) {
    const raw = rawValue(option, flags, env, file);
    if (raw !== undefined) given.set(option.key, { ...raw, value: parseValue(option, raw) });
  }
  // --interval and --schedule exclude each other within a layer; across layers the higher one wins
  // (a file's schedule yields to --interval on the command line).
  const interval = given.get('interval');
  const schedule = given.get('schedule');
  if (interval !== undefined && schedule !== undefined && interval.layer !== schedule.layer) {
    given.delete(interval.layer > schedule.layer ? 'schedule' : 'interval');
  }
  const source = (option: AnyOption): string =>
    given.get(option.key)?.source ?? (option.flag ? `--${option.flag}` : (option.env[0] ?? option.key));

  const top: Record<string, unknown> = {};
  const legacyNotifications: Record<string, unknown> = {};
  for (const option of OPTIONS) {
    const raw = given.get(option.key);
    const value =
      raw === undefined
        ? (option.defaultAt?.(env) ?? option.default)
        : option.read
          ? option.read(raw.value, raw.source)
          : raw.value;
    (option.group === 'legacyNotifications' ? legacyNotifications : top)[option.field] = value;
  }
  // The file's path as it was read (the `config` option names it).
  top.configFile = file?.path;

  const result = Settings.safeParse({ ...top, legacyNotifications, registries: file?.registries ?? [] });
  if (!result.success) {
    const issue = result.error.issues[0];
    const option = optionAt(issue?.path ?? []);
    const where = option === undefined ? (issue?.path.join('.') ?? 'settings') : source(option);
    const got = option === undefined ? undefined : given.get(option.key)?.value;
    throw new TidewatchError('invalid-config', `${where}: ${ruleOf(issue)}${gotText(got)}`);
  }
  const sourceOfKey = (key: string): string => {
    const option = OPTIONS.find((candidate: AnyOption) => candidate.key === key);
    return option === undefined ? key : source(option);
  };
  checkCombinations(result.data, given.has('interval'), sourceOfKey);
  return Object.freeze(result.data);
}

/** The rule a value broke, as a person reads it: `must be one of stop-first, start-first, auto`. */
function ruleOf(issue: z.core.$ZodIssue | undefined): string {
  if (issue === undefined) return 'invalid';
  if (issue.code === 'invalid_value' && issue.values.length > 0) {
    return `must be one of ${issue.values.map(String).join(', ')}`;
  }
  return issue.message;
}

/** `; got foo`: the value as given, so a typo is seen at once. */
function gotText(value: unknown): string {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    return `; got ${String(value)}`;
  }
  return '';
}

function checkCombinations(
  settings: Settings,
  intervalGiven: boolean,
  sourceOf: (key: string) => string,
): void {
  if (settings.schedule !== undefined) {
    if (intervalGiven) {
      throw new TidewatchError('invalid-config', 'set either --interval or --schedule, not both');
    }
    const fields = settings.schedule.trim().split(/\s+/).length;
    if (fields !== 6) {
      throw new TidewatchError(
        'invalid-config',
        `${sourceOf('schedule')}: "${settings.schedule}" has ${fields} fields; a schedule has 6 (seconds minutes hours day month weekday)`,
      );
    }
    try {
      new Cron(settings.schedule, { paused: true });
    } catch (error) {
      throw new TidewatchError(
        'invalid-config',
        `${sourceOf('schedule')}: "${settings.schedule}" is not a cron expression: ${describeError(error)}`,
      );
    }
  }
  if (settings.repoUser !== undefined && settings.repoPass === undefined) {
    throw new TidewatchError('invalid-config', 'REPO_USER is set but REPO_PASS is not');
  }
  checkOidc(settings);
  if (settings.apiOnly && settings.apiToken === undefined) {
    throw new TidewatchError(
      'invalid-config',
      'updates only through the API (--api-only, or WATCHTOWER_HTTP_API_UPDATE without WATCHTOWER_HTTP_API_PERIODIC_POLLS) need an API token (--api-token or TIDEWATCH_API_TOKEN), or nothing could ever start one',
    );
  }
}

/** The first layer that gives `option` a value: a flag, then its variables in order, then the file. */
function rawValue(
  option: AnyOption,
  flags: FlagValues,
  env: NodeJS.ProcessEnv,
  configFile?: ConfigFile,
): RawValue | undefined {
  const flagValue = flags[option.key];
  // An option without a flag gets one from the command line's positional arguments (`containers`).
  if (flagValue !== undefined)
    return {
      value: flagValue,
      source: option.flag === undefined ? 'the command line' : `--${option.flag}`,
      layer: 3,
    };
  for (const name of option.env) {
    const value = env[name];
    if (value !== undefined && value !== '') return { value, source: name, layer: 2 };
    // Secrets can come from files (Docker and Kubernetes secrets): NAME_FILE holds the path.
    const file = env[`${name}_FILE`];
    if (file !== undefined && file !== '')
      return { value: readSecretFile(`${name}_FILE`, file), source: `${name}_FILE`, layer: 2 };
  }
  const fromFile = configFile?.values.get(option.key);
  if (configFile !== undefined && fromFile !== undefined)
    return { value: fromFile, source: configFile.where(option.key), layer: 1 };
  return undefined;
}

function readSecretFile(source: string, path: string): string {
  try {
    return readFileSync(path, 'utf8').replace(/\r?\n$/, '');
  } catch (error) {
    throw new TidewatchError('invalid-config', `${source}: cannot read ${path}: ${describeError(error)}`, {
      cause: error,
    });
  }
}

/**
 * OIDC sign-in lets in only who it is told to: an issuer without allowed subjects or groups would
 * let nobody in (or, read loosely, everybody at the provider), so it refuses to start instead.
 */
function checkOidc(settings: Settings): void {
  if (settings.oidcIssuer === undefined) return;
  if (settings.oidcClientId === undefined)
    throw new TidewatchError(
      'invalid-config',
      '--oidc-issuer needs --oidc-client-id (TIDEWATCH_OIDC_CLIENT_ID)',
    );
  if (settings.oidcAllowedSubjects.length === 0 && settings.oidcAllowedGroups.length === 0)
    throw new TidewatchError(
      'invalid-config',
      '--oidc-issuer needs --oidc-allowed-subjects or --oidc-allowed-groups: who may sign in (nobody is let in by default)',
    );
}
