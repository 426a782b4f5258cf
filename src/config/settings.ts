import { readFileSync } from 'node:fs';
import { Cron } from 'croner';
import { z } from 'zod';
import { TidewatchError, describeError } from '../domain/errors.js';
import { parseDurationMs } from './duration.js';
import { OPTIONS, type OptionSpec } from './options.js';
import { STRATEGIES } from './strategy.js';

const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

/** The validated, frozen settings every part of Tidewatch reads. */
export const Settings = z
  .object({
    host: z.string().optional(),
    tlsVerify: z.boolean(),
    certPath: z.string().optional(),
    intervalMs: z.number().int().positive(),
    schedule: z.string().optional(),
    noStartupCheck: z.boolean(),
    labelEnable: z.boolean(),
    disableContainers: z.array(z.string()),
    scope: z.string().optional(),
    includeStopped: z.boolean(),
    reviveStopped: z.boolean(),
    monitorOnly: z.boolean(),
    noPull: z.boolean(),
    stopTimeoutMs: z.number().int().nonnegative(),
    cleanup: z.boolean(),
    lifecycleHooks: z.boolean(),
    strategy: z.enum(STRATEGIES),
    drainMs: z.number().int().nonnegative(),
    verifyTimeoutMs: z.number().int().positive(),
    verifyWindowMs: z.number().int().positive(),
    keepImages: z.number().int().nonnegative(),
    /** undefined: not given; main.ts resolves the default (see resolveDataDir in src/store). */
    dataDir: z.string().optional(),
    insecureRegistries: z.array(z.string()),
    repoUser: z.string().optional(),
    repoPass: z.string().optional(),
    dockerConfig: z.string().optional(),
    logLevel: z.enum(LEVELS),
    logFormat: z.enum(['auto', 'pretty', 'json']),
  })
  .strict();
export type Settings = z.infer<typeof Settings>;

export const DEFAULT_INTERVAL_MS = 24 * 3_600_000;
export const DEFAULT_STOP_TIMEOUT_MS = 10_000;
/**
 * Docker's default healthcheck runs every 30s and calls a container unhealthy after 3 failures in
 * a row: its first verdict comes 30s after the start, an `unhealthy` 90s after. Two minutes lets a
 * container with default healthcheck settings reach either, with room for a slow first start.
 */
export const DEFAULT_VERIFY_TIMEOUT_MS = 120_000;
/** Long enough for a container that crashes on start (bad config, missing file) to show it. */
export const DEFAULT_VERIFY_WINDOW_MS = 10_000;
export const DEFAULT_DRAIN_MS = 2000;
/** The image before the update and the one before that: two steps back without a registry. */
export const DEFAULT_KEEP_IMAGES = 2;

/** Values given on the command line, keyed by option key; undefined when not given. */
export type FlagValues = Readonly<Record<string, unknown>>;

interface RawValue {
  readonly value: unknown;
  /** Where it came from, for error messages: `--interval` or `WATCHTOWER_POLL_INTERVAL`. */
  readonly source: string;
}

/**
 * Merges flags > environment (Tidewatch names before Watchtower's) > defaults, validates each value
 * once, and returns frozen settings. A bad value throws one line naming its source and the cause.
 */
export function loadSettings(flags: FlagValues, env: NodeJS.ProcessEnv): Readonly<Settings> {
  const parsed: Record<string, unknown> = {};
  for (const option of OPTIONS) {
    const raw = rawValue(option, flags, env);
    if (raw !== undefined) parsed[option.key] = parseValue(option, raw);
  }

  const settings = {
    host: parsed.host,
    tlsVerify: parsed.tlsVerify ?? false,
    certPath: parsed.certPath,
    intervalMs: parsed.interval ?? DEFAULT_INTERVAL_MS,
    schedule: parsed.schedule,
    noStartupCheck: parsed.noStartupCheck ?? false,
    labelEnable: parsed.labelEnable ?? false,
    disableContainers: parsed.disableContainers ?? [],
    scope: parsed.scope,
    includeStopped: parsed.includeStopped ?? false,
    reviveStopped: parsed.reviveStopped ?? false,
    monitorOnly: parsed.monitorOnly ?? false,
    noPull: parsed.noPull ?? false,
    stopTimeoutMs: parsed.stopTimeout ?? DEFAULT_STOP_TIMEOUT_MS,
    cleanup: parsed.cleanup ?? false,
    lifecycleHooks: parsed.lifecycleHooks ?? false,
    strategy: parsed.strategy ?? 'stop-first',
    drainMs: parsed.drain ?? DEFAULT_DRAIN_MS,
    verifyTimeoutMs: parsed.verifyTimeout ?? DEFAULT_VERIFY_TIMEOUT_MS,
    verifyWindowMs: parsed.verifyWindow ?? DEFAULT_VERIFY_WINDOW_MS,
    keepImages: parsed.keepImages ?? DEFAULT_KEEP_IMAGES,
    dataDir: parsed.dataDir,
    insecureRegistries: parsed.insecureRegistries ?? [],
    repoUser: parsed.repoUser,
    repoPass: parsed.repoPass,
    dockerConfig: parsed.dockerConfig,
    logLevel: parsed.logLevel ?? 'info',
    logFormat: parsed.logFormat ?? 'auto',
  };

  const result = Settings.safeParse(settings);
  if (!result.success) {
    const issue = result.error.issues[0];
    const key = issue?.path.join('.') ?? 'settings';
    throw new TidewatchError(
      'invalid-config',
      `${sourceOf(key, flags, env)}: ${issue?.message ?? 'invalid'}`,
    );
  }
  checkCombinations(result.data, flags, env);
  return Object.freeze(result.data);
}

function checkCombinations(settings: Settings, flags: FlagValues, env: NodeJS.ProcessEnv): void {
  const intervalGiven = rawValue(optionByKey('interval'), flags, env) !== undefined;
  if (settings.schedule !== undefined) {
    if (intervalGiven) {
      throw new TidewatchError('invalid-config', 'set either --interval or --schedule, not both');
    }
    const fields = settings.schedule.trim().split(/\s+/).length;
    if (fields !== 6) {
      throw new TidewatchError(
        'invalid-config',
        `${sourceOf('schedule', flags, env)}: "${settings.schedule}" has ${fields} fields; a schedule has 6 (seconds minutes hours day month weekday)`,
      );
    }
    try {
      new Cron(settings.schedule, { paused: true });
    } catch (error) {
      throw new TidewatchError(
        'invalid-config',
        `${sourceOf('schedule', flags, env)}: "${settings.schedule}" is not a cron expression: ${describeError(error)}`,
      );
    }
  }
  if (settings.repoUser !== undefined && settings.repoPass === undefined) {
    throw new TidewatchError('invalid-config', 'REPO_USER is set but REPO_PASS is not');
  }
}

function optionByKey(key: string): OptionSpec {
  const option = OPTIONS.find((candidate) => candidate.key === key);
  if (!option) throw new Error(`no option ${key}`);
  return option;
}

/** The flag or env var a setting came from, so errors name what the user typed. */
function sourceOf(settingKey: string, flags: FlagValues, env: NodeJS.ProcessEnv): string {
  const optionKey = settingKey.replace(/Ms$/, '');
  const option = OPTIONS.find((candidate) => candidate.key === optionKey);
  if (!option) return settingKey;
  return (
    rawValue(option, flags, env)?.source ?? (option.flag ? `--${option.flag}` : (option.env[0] ?? option.key))
  );
}

function rawValue(option: OptionSpec, flags: FlagValues, env: NodeJS.ProcessEnv): RawValue | undefined {
  const flagValue = flags[option.key];
  if (flagValue !== undefined && option.flag !== undefined)
    return { value: flagValue, source: `--${option.flag}` };
  for (const name of option.env) {
    const value = env[name];
    if (value !== undefined && value !== '') return { value, source: name };
    // Secrets can come from files (Docker and Kubernetes secrets): NAME_FILE holds the path.
    const file = env[`${name}_FILE`];
    if (file !== undefined && file !== '')
      return { value: readSecretFile(`${name}_FILE`, file), source: `${name}_FILE` };
  }
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

const BOOLEAN_WORDS: Record<string, boolean> = {
  true: true,
  '1': true,
  yes: true,
  on: true,
  false: false,
  '0': false,
  no: false,
  off: false,
};

function parseValue(option: OptionSpec, raw: RawValue): unknown {
  const { value, source } = raw;
  const { kind } = option;
  const fail = (expected: string): never => {
    throw new TidewatchError('invalid-config', `${source}: expected ${expected}, got "${String(value)}"`);
  };
  switch (kind) {
    case 'boolean': {
      if (typeof value === 'boolean') return value;
      const word = BOOLEAN_WORDS[String(value).trim().toLowerCase()];
      return word ?? fail('true or false');
    }
    case 'string':
      return typeof value === 'string' ? value.trim() : fail('text');
    case 'list': {
      const items = Array.isArray(value) ? value.map(String) : [String(value)];
      return items.flatMap((item) => item.split(/[\s,]+/)).filter((item) => item !== '');
    }
    case 'duration': {
      const ms = parseDurationMs(String(value));
      if (option.allowZero === true) return ms === undefined ? fail('a duration such as 0, 2s or 1m') : ms;
      return ms === undefined || ms <= 0 ? fail('a duration such as 30, 30s, 5m or 1h') : ms;
    }
    case 'integer': {
      const text = String(value).trim();
      return /^\d{1,9}$/.test(text) ? Number(text) : fail('a whole number, 0 or more');
    }
    case 'level': {
      const level = String(value).trim().toLowerCase();
      return (LEVELS as readonly string[]).includes(level) ? level : fail(LEVELS.join(', '));
    }
  }
}
