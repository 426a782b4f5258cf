import { OPTIONS, type AnyOption } from './options/index.js';
import type { WatchtowerArgument } from './watchtower-arguments.js';

/**
 * What becomes of each of Watchtower's arguments (its flags, short flags and variables, as its
 * docs/arguments.md lists them). Most are options of the spec under the same name: those are
 * derived from the options' `flag`, `shortFlag` and `env`, never listed here. The rest are below:
 * read another way (`read: true`), or not applicable, with the reason (`read: false`). The
 * migration guide's table is generated from both (`npm run docs`), and a test fails when an
 * argument of Watchtower's page is in neither.
 */
export interface Handled {
  /** true: Tidewatch acts on it, outside the option spec; false: nothing reads it. */
  readonly read: boolean;
  /** What to use instead, or why it is not needed; one sentence for the table and the warning. */
  readonly text: string;
}

const read = (text: string): Handled => ({ read: true, text });
const notApplicable = (text: string): Handled => ({ read: false, text });

const NO_LOGFMT = notApplicable(
  "Not applicable: Watchtower's values (`Auto`, `LogFmt`, `Pretty`, `JSON`) are not Tidewatch's; use `--log-format auto|pretty|json` or `TIDEWATCH_LOG_FORMAT`",
);
const NO_VOLUMES = notApplicable(
  'Not applicable: volumes are kept across an update ([preserved settings](preserved-settings.md)), and a rollback may need them',
);
const NO_API_VERSION = notApplicable(
  'Not applicable: the API version is negotiated with the engine (`/_ping`), so any engine from Docker 19.03 to 29 works',
);
const ALWAYS_RESTARTING = notApplicable(
  'Not applicable: always on, a restarting container is checked like a running one',
);
const NO_PRECEDENCE = notApplicable(
  'Not applicable: monitor-only and no-pull apply when the option or the label says so',
);
const NO_RESTART = notApplicable(
  'Not applicable: a recreated container is started and verified (or rolled back); use `--monitor-only` to only report',
);
const NO_STARTUP_MESSAGE = notApplicable('Not applicable: Tidewatch sends no startup message');
const API_MODE = read(
  'Read: `WATCHTOWER_HTTP_API_UPDATE=true` without `WATCHTOWER_HTTP_API_PERIODIC_POLLS=true` means `--api-only`; `POST /v1/update` is always served ([API](api.md)); the flags are not taken',
);
const METRICS = notApplicable(
  "Not applicable: `/metrics` and Watchtower's `/v1/metrics` are always served (with the token, unless `--metrics-public`)",
);
const ROLLING = notApplicable(
  'Not applicable: always on, containers are updated one group at a time in dependency order; `--strategy start-first` for no downtime',
);
const HEAD_FAILURE = notApplicable(
  'Not applicable: registry requests have budgets and honour rate limits ([registry budgets](guide.md#registry-budgets))',
);
const PORCELAIN = notApplicable(
  'Not applicable: `tidewatch check --json` and `tidewatch history --json` print machine-readable reports',
);

/** Watchtower's arguments that are not an option of the spec under the same name. */
export const WATCHTOWER_HANDLED: Readonly<Record<string, Handled>> = {
  '--help': read('`tidewatch --help`, and `--help` on every command'),
  TZ: read('`TZ` sets the process zone, the default of `--timezone` (the zone windows are read in)'),
  '--remove-volumes': NO_VOLUMES,
  WATCHTOWER_REMOVE_VOLUMES: NO_VOLUMES,
  '-l': NO_LOGFMT,
  WATCHTOWER_LOG_FORMAT: NO_LOGFMT,
  '--no-color': notApplicable(
    'Not applicable: pretty logs go to a terminal only (`--log-format auto`); `--log-format json` has no colours',
  ),
  NO_COLOR: read(
    "Read by the pretty log format's colour library (colorette), not by Tidewatch itself; untested",
  ),
  '--api-version': NO_API_VERSION,
  '-a': NO_API_VERSION,
  DOCKER_API_VERSION: NO_API_VERSION,
  '--include-restarting': ALWAYS_RESTARTING,
  WATCHTOWER_INCLUDE_RESTARTING: ALWAYS_RESTARTING,
  '--label-take-precedence': NO_PRECEDENCE,
  WATCHTOWER_LABEL_TAKE_PRECEDENCE: NO_PRECEDENCE,
  '--no-restart': NO_RESTART,
  WATCHTOWER_NO_RESTART: NO_RESTART,
  '--no-startup-message': NO_STARTUP_MESSAGE,
  WATCHTOWER_NO_STARTUP_MESSAGE: NO_STARTUP_MESSAGE,
  '--http-api-update': API_MODE,
  WATCHTOWER_HTTP_API_UPDATE: API_MODE,
  '--http-api-periodic-polls': API_MODE,
  WATCHTOWER_HTTP_API_PERIODIC_POLLS: API_MODE,
  '--http-api-token': notApplicable('Renamed: the flag is `--api-token`'),
  '--http-api-metrics': METRICS,
  WATCHTOWER_HTTP_API_METRICS: METRICS,
  '--rolling-restart': ROLLING,
  WATCHTOWER_ROLLING_RESTART: ROLLING,
  '--warn-on-head-failure': HEAD_FAILURE,
  WATCHTOWER_WARN_ON_HEAD_FAILURE: HEAD_FAILURE,
  '--health-check': read('The command `tidewatch healthcheck` (the image has it as its `HEALTHCHECK`)'),
  '--porcelain': PORCELAIN,
  '-P': PORCELAIN,
  WATCHTOWER_PORCELAIN: PORCELAIN,
  // From Watchtower's notifications page, not its arguments page: named so it is not warned as unknown.
  WATCHTOWER_NOTIFICATION_LOG_STDOUT: notApplicable(
    'Not applicable: every event is in the logs anyway; add `logger://` to the URLs for the messages too',
  ),
};

/** What differs although the name is the same, by the row's first flag (shown after the mapping). */
const NOTES: Readonly<Record<string, string>> = {
  '--cleanup': 'the last `--keep-images` (default 2) previous images stay as rollback points',
  '--log-level': 'no `panic`',
  '--trace': 'secrets are still redacted',
  '--interval': 'seconds, or `30s`, `5m`, `1h`',
  '--label-enable': "containers need `tidewatch.enable=true` or Watchtower's label",
  '--scope': '`none` included',
  '--run-once': 'exit 1 when an update failed',
};

/** The option of the spec a Watchtower name is: a long flag, a short flag or a variable. */
export function optionForWatchtower(name: string): AnyOption | undefined {
  return OPTIONS.find((option: AnyOption) =>
    name.startsWith('--')
      ? option.flag === name.slice(2)
      : name.startsWith('-')
        ? option.shortFlag === name.slice(1)
        : option.env.includes(name),
  );
}

/** Every variable Tidewatch reads: the options' (and their `_FILE` forms), and those read elsewhere. */
function isRead(name: string): boolean {
  const base = name.endsWith('_FILE') ? name.slice(0, -'_FILE'.length) : name;
  if (optionForWatchtower(base) !== undefined) return true;
  return WATCHTOWER_HANDLED[name]?.read === true;
}

/**
 * `WATCHTOWER_*` variables that are set but that nothing reads, each with why: a deployment moved
 * from Watchtower learns at start what it relied on that does not carry over.
 */
export function unreadWatchtowerVariables(
  env: NodeJS.ProcessEnv,
): { readonly name: string; readonly reason: string }[] {
  return Object.keys(env)
    .filter((name) => name.startsWith('WATCHTOWER_') && !isRead(name))
    .sort()
    .map((name) => ({
      name,
      reason: WATCHTOWER_HANDLED[name]?.text ?? 'not a Watchtower variable Tidewatch knows (a typo?)',
    }));
}

const code = (text: string): string => `\`${text}\``;

/** The Tidewatch side of one row: the options it maps to, then what becomes of the other names. */
function tidewatchCell(argument: WatchtowerArgument): string {
  const names = [...argument.flags, ...argument.env];
  const parts: string[] = [];
  const options = [...new Set(names.map(optionForWatchtower).filter((o) => o !== undefined))];
  for (const option of options) {
    const spelt = [option.flag === undefined ? undefined : `--${option.flag}`, optionShort(option, names)]
      .filter((text) => text !== undefined)
      .map(code);
    const sameVariable = argument.env.some((name) => option.env.includes(name));
    parts.push([...spelt, ...(sameVariable ? ['same variable'] : [])].join(', '));
  }
  // Names not in the spec, grouped by what becomes of them: one text said once.
  const byText = new Map<string, string[]>();
  for (const name of names) {
    if (optionForWatchtower(name) !== undefined) continue;
    const text =
      WATCHTOWER_HANDLED[name]?.text ?? 'MISSING: neither an option nor listed in watchtower-compat.ts';
    byText.set(text, [...(byText.get(text) ?? []), name]);
  }
  for (const [text, group] of byText) {
    parts.push(options.length === 0 && byText.size === 1 ? text : `${group.map(code).join(', ')}: ${text}`);
  }
  const note = NOTES[argument.flags[0] ?? ''];
  return [...parts, ...(note === undefined ? [] : [note])].join('; ');
}

function optionShort(option: AnyOption, names: readonly string[]): string | undefined {
  return option.shortFlag !== undefined && names.includes(`-${option.shortFlag}`)
    ? `-${option.shortFlag}`
    : undefined;
}

/** The migration guide's table of Watchtower's arguments page, one row per argument (markdown). */
export function renderWatchtowerTable(args: readonly WatchtowerArgument[]): string {
  const rows = args.map((argument) => {
    const cells = [
      argument.flags.map(code).join(', '),
      argument.env.map(code).join(', '),
      tidewatchCell(argument),
    ];
    return `| ${cells.map((cell) => cell.replaceAll('|', '\\|')).join(' | ')} |`;
  });
  return ['| Watchtower flag | Watchtower environment | Tidewatch |', '| --- | --- | --- |', ...rows].join(
    '\n',
  );
}

export const TABLE_START = '<!-- watchtower-arguments:start (generated by `npm run docs`) -->';
export const TABLE_END = '<!-- watchtower-arguments:end -->';

/** The guide with its generated table replaced; an error when the markers are missing. */
export function withWatchtowerTable(guide: string, table: string): string {
  const start = guide.indexOf(TABLE_START);
  const end = guide.indexOf(TABLE_END);
  if (start < 0 || end < start) throw new Error(`the guide lacks the markers ${TABLE_START} … ${TABLE_END}`);
  return `${guide.slice(0, start + TABLE_START.length)}\n\n${table}\n\n${guide.slice(end)}`;
}
