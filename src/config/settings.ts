import { readFileSync } from 'node:fs';
import { Cron } from 'croner';
import { z } from 'zod';
import { TidewatchError, describeError } from '../domain/errors.js';
import { parseDurationMs } from './duration.js';
import { OPTIONS, type OptionSpec } from './options.js';
import { POLICY_SETTINGS, policySettings } from './policy-settings.js';
import { parseRegistryLimits, RegistryLimitSetting } from './registry-limits.js';
import { STRATEGIES } from './strategy.js';
import { loadConfigFile, type ConfigFile } from './config-file.js';
import { GitopsSourceSetting, parseGitopsSources } from './gitops-sources.js';

const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
/** Watchtower's notification levels (logrus), most severe first. */
export const NOTIFICATION_LEVELS = ['panic', 'fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;
// host:port (an IPv6 host in brackets; an empty host means every interface), or off.
const HTTP_ADDR = /^(?:off|(?:\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]*):\d{1,5})$/;

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
    /** A pull with no progress for this long is abandoned (src/engine/docker-engine.ts); 0: no limit. */
    pullTimeoutMs: z.number().int().nonnegative(),
    /** After SIGTERM, how long `run` and `once` wait for an update in flight before they exit. */
    shutdownTimeoutMs: z.number().int().positive(),
    cleanup: z.boolean(),
    lifecycleHooks: z.boolean(),
    strategy: z.enum(STRATEGIES),
    drainMs: z.number().int().nonnegative(),
    verifyTimeoutMs: z.number().int().positive(),
    verifyWindowMs: z.number().int().positive(),
    keepImages: z.number().int().nonnegative(),
    // Policies: what to update to, cooldown, window, approvals (src/config/policy-settings.ts).
    ...POLICY_SETTINGS,
    // Swarm services (src/swarm): whether to watch them, and the UpdateConfig for those without one.
    swarm: z.enum(['auto', 'on', 'off']),
    swarmUpdateOrder: z.enum(['start-first', 'stop-first']),
    swarmFailureAction: z.enum(['rollback', 'pause', 'continue']),
    swarmMonitorMs: z.number().int().positive(),
    swarmTimeoutMs: z.number().int().positive(),
    // Compose write-back (src/compose) and GitOps sources (src/gitops), a plain list as a config file holds it.
    composeWriteBack: z.boolean(),
    gitopsSources: z.array(GitopsSourceSetting),
    gitopsDir: z.string().optional(),
    /** undefined: not given; main.ts resolves the default (see resolveDataDir in src/store). */
    dataDir: z.string().optional(),
    insecureRegistries: z.array(z.string()),
    /** Per-registry budgets (`--registry-limit`), a plain list as a config file would hold it. */
    registryLimits: z.array(RegistryLimitSetting),
    maxRegistryWaitMs: z.number().int().nonnegative(),
    repoUser: z.string().optional(),
    repoPass: z.string().optional(),
    dockerConfig: z.string().optional(),
    /** Registry logins from the config file (`registries:`), asked before REPO_USER and config.json. */
    registries: z.array(
      z
        .object({
          host: z.string().min(1),
          username: z.string().optional(),
          password: z.string().optional(),
          credHelper: z.string().optional(),
        })
        .strict(),
    ),
    /** The configuration file read (--config, TIDEWATCH_CONFIG), if any. */
    configFile: z.string().optional(),
    /** `host:port` the API listens on, or `off`. */
    httpAddr: z
      .string()
      .regex(HTTP_ADDR, 'expected host:port (such as 127.0.0.1:8080 or 0.0.0.0:8080) or off')
      .refine((addr) => addr === 'off' || Number(addr.slice(addr.lastIndexOf(':') + 1)) <= 65_535, {
        message: 'the port is over 65535',
      }),
    apiToken: z.string().min(1).optional(),
    metricsPublic: z.boolean(),
    apiOnly: z.boolean(),
    webhookSecret: z.string().min(1).optional(),
    // Notifications (src/notify): see docs/notifications.md.
    notificationUrls: z.array(z.string()),
    notificationReport: z.boolean(),
    notificationsLevel: z.preprocess(
      (value) => (typeof value === 'string' ? value.toLowerCase() : value),
      z.enum(NOTIFICATION_LEVELS),
    ),
    notificationTemplate: z.string().optional(),
    watchtowerNotificationTemplate: z.string().optional(),
    notificationTitleTag: z.string().optional(),
    notificationSkipTitle: z.boolean(),
    notificationsHostname: z.string().optional(),
    notificationsDelayMs: z.number().int().nonnegative(),
    notificationTimeoutMs: z.number().int().positive(),
    notificationMaxAgeMs: z.number().int().positive(),
    notificationDrainMs: z.number().int().nonnegative(),
    /** Watchtower's legacy notification variables, as given; src/notify/legacy.ts makes URLs of them. */
    legacyNotifications: z
      .object({
        types: z.array(z.string()),
        emailFrom: z.string().optional(),
        emailTo: z.string().optional(),
        emailServer: z.string().optional(),
        emailServerPort: z.number().int().optional(),
        emailServerUser: z.string().optional(),
        emailServerPassword: z.string().optional(),
        emailServerTlsSkipVerify: z.boolean(),
        emailDelayMs: z.number().int().nonnegative().optional(),
        emailSubjectTag: z.string().optional(),
        slackHookUrl: z.string().optional(),
        slackIdentifier: z.string().optional(),
        slackChannel: z.string().optional(),
        slackIconEmoji: z.string().optional(),
        slackIconUrl: z.string().optional(),
        msteamsHookUrl: z.string().optional(),
        msteamsUseLogData: z.boolean(),
        gotifyUrl: z.string().optional(),
        gotifyToken: z.string().optional(),
        gotifyTlsSkipVerify: z.boolean(),
      })
      .strict(),
    logLevel: z.enum(LEVELS),
    logFormat: z.enum(['auto', 'pretty', 'json']),
  })
  .strict();
export type Settings = z.infer<typeof Settings>;

export const DEFAULT_INTERVAL_MS = 24 * 3_600_000;
export const DEFAULT_STOP_TIMEOUT_MS = 10_000;
/**
 * A pull counts as stalled only when the engine reports nothing at all for this long: a slow but
 * moving download of a large layer sends progress every few hundred kilobytes, so it never trips.
 */
export const DEFAULT_PULL_TIMEOUT_MS = 5 * 60_000;
/**
 * Under the 10 s `docker stop` (and Kubernetes' 30 s) grace period, so Tidewatch exits by itself
 * before the engine kills it, with a moment left to close the store.
 */
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 8000;
/**
 * Docker's default healthcheck runs every 30s and calls a container unhealthy after 3 failures in
 * a row: its first verdict comes 30s after the start, an `unhealthy` 90s after. Two minutes lets a
 * container with default healthcheck settings reach either, with room for a slow first start.
 */
export const DEFAULT_VERIFY_TIMEOUT_MS = 120_000;
/** Long enough for a container that crashes on start (bad config, missing file) to show it. */
export const DEFAULT_VERIFY_WINDOW_MS = 10_000;
export const DEFAULT_DRAIN_MS = 2000;
/** Loopback only: a container image sets 0.0.0.0:8080 (see README). */
export const DEFAULT_HTTP_ADDR = '127.0.0.1:8080';
/** The image before the update and the one before that: two steps back without a registry. */
export const DEFAULT_KEEP_IMAGES = 2;
/** Long enough for a typical Retry-After (seconds), short enough that `check` never seems to hang. */
export const DEFAULT_MAX_REGISTRY_WAIT_MS = 60_000;
/** As --verify-window, and for the same reason: long enough for a crash on start to show. */
export const DEFAULT_SWARM_MONITOR_MS = 10_000;
/** A rolling update of a few dozen tasks with the default monitor fits; a larger service needs more. */
export const DEFAULT_SWARM_TIMEOUT_MS = 10 * 60_000;
export const DEFAULT_NOTIFICATION_TIMEOUT_MS = 10_000;
/** A receiver down for a day is a problem someone has noticed by other means. */
export const DEFAULT_NOTIFICATION_MAX_AGE_MS = 24 * 3_600_000;
export const DEFAULT_NOTIFICATION_DRAIN_MS = 30_000;

/** Values given on the command line, keyed by option key; undefined when not given. */
export type FlagValues = Readonly<Record<string, unknown>>;

interface RawValue {
  readonly value: unknown;
  /** Where it came from, for error messages: `--interval` or `WATCHTOWER_POLL_INTERVAL`. */
  readonly source: string;
  /** Which layer: flags (3) over env (2) over the config file (1). */
  readonly layer: 1 | 2 | 3;
}

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
 * Merges flags > environment (Tidewatch names before Watchtower's) > config file > defaults,
 * validates each value once, and returns frozen settings. A bad value throws one line naming its
 * source (a flag, a variable, or the file's line and key) and the cause.
 */
export function loadSettings(
  flags: FlagValues,
  env: NodeJS.ProcessEnv,
  file: ConfigFile | undefined = configFileFrom(flags, env),
): Readonly<Settings> {
  const parsed: Record<string, unknown> = {};
  const layers: Record<string, number> = {};
  for (const option of OPTIONS) {
    const raw = rawValue(option, flags, env, file);
    if (raw !== undefined) {
      parsed[option.key] = parseValue(option, raw);
      layers[option.key] = raw.layer;
    }
  }
  // --interval and --schedule exclude each other within a layer; across layers the higher one wins
  // (a file's schedule yields to --interval on the command line).
  if (parsed.interval !== undefined && parsed.schedule !== undefined && layers.interval !== layers.schedule) {
    delete parsed[(layers.interval ?? 0) > (layers.schedule ?? 0) ? 'schedule' : 'interval'];
  }
  const source = (key: string): string => sourceOf(key, flags, env, file);

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
    pullTimeoutMs: parsed.pullTimeout ?? DEFAULT_PULL_TIMEOUT_MS,
    shutdownTimeoutMs: parsed.shutdownTimeout ?? DEFAULT_SHUTDOWN_TIMEOUT_MS,
    cleanup: parsed.cleanup ?? false,
    lifecycleHooks: parsed.lifecycleHooks ?? false,
    strategy: parsed.strategy ?? 'stop-first',
    drainMs: parsed.drain ?? DEFAULT_DRAIN_MS,
    verifyTimeoutMs: parsed.verifyTimeout ?? DEFAULT_VERIFY_TIMEOUT_MS,
    verifyWindowMs: parsed.verifyWindow ?? DEFAULT_VERIFY_WINDOW_MS,
    keepImages: parsed.keepImages ?? DEFAULT_KEEP_IMAGES,
    ...policySettings(parsed, source),
    swarm: parsed.swarm ?? 'auto',
    swarmUpdateOrder: parsed.swarmUpdateOrder ?? 'start-first',
    swarmFailureAction: parsed.swarmFailureAction ?? 'rollback',
    swarmMonitorMs: parsed.swarmMonitor ?? DEFAULT_SWARM_MONITOR_MS,
    swarmTimeoutMs: parsed.swarmTimeout ?? DEFAULT_SWARM_TIMEOUT_MS,
    composeWriteBack: parsed.composeWriteBack ?? false,
    gitopsSources: parseGitopsSources(
      (parsed.gitopsSources as string[] | undefined) ?? [],
      sourceOf('gitopsSources', flags, env, file),
    ),
    gitopsDir: parsed.gitopsDir,
    dataDir: parsed.dataDir,
    insecureRegistries: parsed.insecureRegistries ?? [],
    registryLimits: parseRegistryLimits(
      (parsed.registryLimits as string[] | undefined) ?? [],
      source('registryLimits'),
    ),
    maxRegistryWaitMs: parsed.maxRegistryWait ?? DEFAULT_MAX_REGISTRY_WAIT_MS,
    repoUser: parsed.repoUser,
    repoPass: parsed.repoPass,
    dockerConfig: parsed.dockerConfig,
    registries: file?.registries ?? [],
    configFile: file?.path,
    httpAddr: parsed.httpAddr ?? DEFAULT_HTTP_ADDR,
    apiToken: parsed.apiToken,
    metricsPublic: parsed.metricsPublic ?? false,
    apiOnly: parsed.apiOnly ?? watchtowerApiOnly(env),
    webhookSecret: parsed.webhookSecret,
    notificationUrls: parsed.notificationUrls ?? [],
    notificationReport: parsed.notificationReport ?? false,
    notificationsLevel: parsed.notificationsLevel ?? 'info',
    notificationTemplate: parsed.notificationTemplate,
    watchtowerNotificationTemplate: parsed.watchtowerNotificationTemplate,
    notificationTitleTag: parsed.notificationTitleTag,
    notificationSkipTitle: parsed.notificationSkipTitle ?? false,
    notificationsHostname: parsed.notificationsHostname,
    notificationsDelayMs: parsed.notificationsDelay ?? 0,
    notificationTimeoutMs: parsed.notificationTimeout ?? DEFAULT_NOTIFICATION_TIMEOUT_MS,
    notificationMaxAgeMs: parsed.notificationMaxAge ?? DEFAULT_NOTIFICATION_MAX_AGE_MS,
    notificationDrainMs: parsed.notificationDrain ?? DEFAULT_NOTIFICATION_DRAIN_MS,
    legacyNotifications: {
      types: parsed.legacyNotifications ?? [],
      emailFrom: parsed.legacyEmailFrom,
      emailTo: parsed.legacyEmailTo,
      emailServer: parsed.legacyEmailServer,
      emailServerPort: parsed.legacyEmailServerPort,
      emailServerUser: parsed.legacyEmailServerUser,
      emailServerPassword: parsed.legacyEmailServerPassword,
      emailServerTlsSkipVerify: parsed.legacyEmailServerTlsSkipVerify ?? false,
      emailDelayMs: parsed.legacyEmailDelay,
      emailSubjectTag: parsed.legacyEmailSubjectTag,
      slackHookUrl: parsed.legacySlackHookUrl,
      slackIdentifier: parsed.legacySlackIdentifier,
      slackChannel: parsed.legacySlackChannel,
      slackIconEmoji: parsed.legacySlackIconEmoji,
      slackIconUrl: parsed.legacySlackIconUrl,
      msteamsHookUrl: parsed.legacyMsteamsHookUrl,
      msteamsUseLogData: parsed.legacyMsteamsUseLogData ?? false,
      gotifyUrl: parsed.legacyGotifyUrl,
      gotifyToken: parsed.legacyGotifyToken,
      gotifyTlsSkipVerify: parsed.legacyGotifyTlsSkipVerify ?? false,
    },
    logLevel: parsed.logLevel ?? 'info',
    logFormat: parsed.logFormat ?? 'auto',
  };

  const result = Settings.safeParse(settings);
  if (!result.success) {
    const issue = result.error.issues[0];
    const key = issue?.path.join('.') ?? 'settings';
    throw new TidewatchError('invalid-config', `${source(key)}: ${issue?.message ?? 'invalid'}`);
  }
  checkCombinations(result.data, parsed.interval !== undefined, source);
  return Object.freeze(result.data);
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
  if (settings.apiOnly && settings.apiToken === undefined) {
    throw new TidewatchError(
      'invalid-config',
      'updates only through the API (--api-only, or WATCHTOWER_HTTP_API_UPDATE without WATCHTOWER_HTTP_API_PERIODIC_POLLS) need an API token (--api-token or TIDEWATCH_API_TOKEN), or nothing could ever start one',
    );
  }
}

/**
 * Watchtower's WATCHTOWER_HTTP_API_UPDATE=true, without WATCHTOWER_HTTP_API_PERIODIC_POLLS=true,
 * meant "update only when the API is called, never on a schedule": Tidewatch's --api-only.
 * (WATCHTOWER_HTTP_API_METRICS needs no counterpart: /v1/metrics is always served.)
 */
function watchtowerApiOnly(env: NodeJS.ProcessEnv): boolean {
  const isTrue = (name: string): boolean => BOOLEAN_WORDS[(env[name] ?? '').trim().toLowerCase()] === true;
  return isTrue('WATCHTOWER_HTTP_API_UPDATE') && !isTrue('WATCHTOWER_HTTP_API_PERIODIC_POLLS');
}

/** The flag, env var or config file line a setting came from, so errors name what the user wrote. */
function sourceOf(settingKey: string, flags: FlagValues, env: NodeJS.ProcessEnv, file?: ConfigFile): string {
  const optionKey = settingKey.replace(/Ms$/, '');
  const option = OPTIONS.find((candidate) => candidate.key === optionKey);
  if (!option) return settingKey;
  return (
    rawValue(option, flags, env, file)?.source ??
    (option.flag ? `--${option.flag}` : (option.env[0] ?? option.key))
  );
}

function rawValue(
  option: OptionSpec,
  flags: FlagValues,
  env: NodeJS.ProcessEnv,
  configFile?: ConfigFile,
): RawValue | undefined {
  const flagValue = flags[option.key];
  if (flagValue !== undefined && option.flag !== undefined)
    return { value: flagValue, source: `--${option.flag}`, layer: 3 };
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
      const separator = option.split === 'whitespace' ? /\s+/ : /[\s,]+/;
      return items.flatMap((item) => item.split(separator)).filter((item) => item !== '');
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
