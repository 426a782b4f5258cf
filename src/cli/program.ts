import { Command, Option } from 'commander';
import { OPTIONS, helpText, optionGroupOf, type AnyOption, type FlagValues } from '../config/index.js';
import { usageError } from './usage-error.js';
import type { HistoryArgs } from './store-commands.js';
import type { ApprovalsArgs } from './approvals-command.js';
import type { BundleArgs } from './bundle-command.js';
import { bundleCommands, type CommandMaker } from './bundle-program.js';
import { tokenCommands, type TokenArgs } from './token-command.js';
import { VERSION } from '../domain/version.js';
import { deferOptions } from './deferred-options.js';

export interface CommandHandlers {
  /** `names`: watch only these containers, as Watchtower's positional names (all when empty). */
  run(flags: FlagValues, names: string[]): Promise<number>;
  once(flags: FlagValues, names: string[]): Promise<number>;
  check(flags: FlagValues, names: string[], json: boolean): Promise<number>;
  history(flags: FlagValues, args: HistoryArgs): Promise<number>;
  forget(flags: FlagValues, name: string): Promise<number>;
  rollback(flags: FlagValues, name: string): Promise<number>;
  /** `gitops` (src/cli/gitops-command.ts): apply every GitOps source once. */
  gitops(flags: FlagValues): Promise<number>;
  /** `notify test` (src/cli/notify-command.ts). */
  notifyTest(flags: FlagValues): Promise<number>;
  /** `approvals`, `approve ID`, `reject ID` (src/cli/approvals-command.ts). */
  approvals(flags: FlagValues, args: ApprovalsArgs): Promise<number>;
  vote(flags: FlagValues, id: string, voter: string | undefined, vote: 'approve' | 'reject'): Promise<number>;
  /** `config check`, `config print` (src/cli/config-command.ts). */
  config(flags: FlagValues, action: 'check' | 'print'): Promise<number>;
  /** `healthcheck` (src/cli/healthcheck-command.ts): the image's HEALTHCHECK. */
  healthcheck(flags: FlagValues): Promise<number>;
  /** `fleet token create|list|revoke`, `fleet status`, `fleet rollouts` (src/cli/fleet-command.ts). */
  fleet(flags: FlagValues, args: FleetArgs): Promise<number>;
  /** `bundle create|apply|have|keygen|list` (src/cli/bundle-command.ts). */
  bundle(flags: FlagValues, args: BundleArgs): Promise<number>;
  /** `token create|list|revoke` (src/cli/token-command.ts). */
  token(flags: FlagValues, args: TokenArgs): Promise<number>;
}

export interface FleetArgs {
  readonly action: 'token-create' | 'token-list' | 'token-revoke' | 'status' | 'rollouts';
  readonly name?: string | undefined;
  readonly json: boolean;
}

/** The commands over the store alone take only the option that says where it is. */
const STORE_OPTIONS: readonly AnyOption[] = OPTIONS.filter(
  // The data dir may be set in the config file.
  (option) => option.key === 'dataDir' || option.key === 'config',
);

/** `healthcheck` probes the API where `run` serves it, so it takes only that option. */
const HEALTHCHECK_OPTIONS: readonly AnyOption[] = OPTIONS.filter((option) => option.key === 'httpAddr');

/** `fleet status` and `fleet rollouts` read the controller's API where `run` serves it. */
const API_CLIENT_OPTIONS: readonly AnyOption[] = OPTIONS.filter((option) =>
  ['httpAddr', 'apiToken', 'config'].includes(option.key),
);

/**
 * The command line: every setting from the options table is a flag of run, once and check;
 * the commands over the store alone (history, forget, approvals...) take --data-dir and --config.
 */
export function buildProgram(handlers: CommandHandlers, setExitCode: (code: number) => void): Command {
  const program = new Command('tidewatch')
    .description('Keeps running Docker containers up to date, safely.')
    .version(VERSION)
    // A usage error is one line and exit 2 (main.ts), never the whole help: see usage-error.ts.
    .exitOverride();

  const command = (
    name: string,
    description: string,
    options: readonly AnyOption[] = OPTIONS,
    parent: Command = program,
  ): Command => {
    const sub = parent.command(name).description(description);
    // run, once and check take every option (a line of flags works for all three), but each
    // lists in its help only the groups it reads.
    const reader = parent === program && ['run', 'once', 'check'].includes(name) ? name : undefined;
    const add = (): void => addOptions(sub, options, reader);
    if (options !== OPTIONS) add();
    else deferOptions(parent, sub, add);
    return sub;
  };

  command('run', 'Run as a daemon: check at start, then on the interval or schedule, and update')
    .argument('[names...]', 'watch only these containers (default: all running)')
    .action(async (names: string[], _options: unknown, sub: Command) =>
      setExitCode(await handlers.run(flagValues(sub), names)),
    );
  command('once', 'Check and update once, then exit: 0 when nothing failed, 1 otherwise')
    .argument('[names...]', 'only these containers (default: all running)')
    .action(async (names: string[], _options: unknown, sub: Command) =>
      setExitCode(await handlers.once(flagValues(sub), names)),
    );
  command('check', 'Report which containers have an update, changing nothing')
    .argument('[names...]', 'only these containers (default: all running)')
    .option('--json', 'print one JSON array instead of a table')
    .action(async (names: string[], options: { json?: boolean }, sub: Command) =>
      setExitCode(await handlers.check(flagValues(sub), names, options.json === true)),
    );
  command('history', 'List recorded updates, newest first (works while `run` is running)', STORE_OPTIONS)
    .option('--json', 'print one JSON array with every field instead of a table')
    .option('--container <name>', 'only this container')
    .option('--outcome <outcome>', 'only committed, rolled-back or failed updates')
    .option(
      '--actor <who>',
      'only updates made or approved by this person, token holder, cli:<user>, schedule, ...',
    )
    .option('--limit <n>', 'at most this many, 1 to 500 (default 50)')
    .action(async (options: HistoryArgs, sub: Command) =>
      setExitCode(await handlers.history(flagValues(sub), options)),
    );
  command(
    'gitops',
    'Apply every GitOps source once: fetch, validate, compose up (see docs/gitops.md)',
  ).action(async (_options: unknown, sub: Command) => setExitCode(await handlers.gitops(flagValues(sub))));
  command('rollback', 'Put a container back on the image it ran before its last update')
    .argument('<name>', 'the container')
    .action(async (name: string, _options: unknown, sub: Command) =>
      setExitCode(await handlers.rollback(flagValues(sub), name)),
    );
  command(
    'forget',
    "Forget a container's bad digests (images it was rolled back from), so they may be deployed again",
    STORE_OPTIONS,
  )
    .argument('<name>', 'the container')
    .action(async (name: string, _options: unknown, sub: Command) =>
      setExitCode(await handlers.forget(flagValues(sub), name)),
    );
  command('approvals', 'List updates waiting for approval (works while `run` is running)', STORE_OPTIONS)
    .option('--json', 'print one JSON array with every field instead of a table')
    .option('--all', 'also the decided ones: applied, rejected, expired, superseded')
    .option('--container <name>', 'only this container')
    .action(async (options: ApprovalsArgs, sub: Command) =>
      setExitCode(await handlers.approvals(flagValues(sub), options)),
    );
  for (const [vote, description] of [
    ['approve', 'Vote for an update waiting for approval; enough votes let it run at the next opportunity'],
    ['reject', 'Vote against an update waiting for approval: it is not applied'],
  ] as const) {
    command(vote, description, STORE_OPTIONS)
      .argument('<id>', 'the approval (see `tidewatch approvals`)')
      .option('--voter <name>', 'who votes (required): each voter counts once')
      .action(async (id: string, options: { voter?: string }, sub: Command) =>
        setExitCode(await handlers.vote(flagValues(sub), id, options.voter, vote)),
      );
  }
  command(
    'healthcheck',
    "Exit 0 when `run`'s HTTP API answers /healthz, 1 otherwise",
    HEALTHCHECK_OPTIONS,
  ).action(async (_options: unknown, sub: Command) =>
    setExitCode(await handlers.healthcheck(flagValues(sub))),
  );
  // `config check` and `config print` (src/cli/config-command.ts) take every setting: they show what run would use.
  const config = program.command('config').description('The configuration file (see docs/configuration.md)');
  for (const [action, description] of [
    [
      'check',
      'Validate the configuration (file, flags, env) as run would at start: prints OK, or the error (exit 2)',
    ],
    [
      'print',
      'Print the effective configuration after flags, env, the file and defaults, as YAML, secrets redacted',
    ],
  ] as const) {
    command(action, description, OPTIONS, config).action(async (_options: unknown, sub: Command) =>
      setExitCode(await handlers.config(flagValues(sub), action)),
    );
  }
  // `notify test` (src/cli/notify-command.ts) takes every setting: it sends where run would.
  const notify = program.command('notify').description('Notifications (see docs/notifications.md)');
  command(
    'test',
    'Send a test message to every configured notification URL and print what each answered',
    OPTIONS,
    notify,
  ).action(async (_options: unknown, sub: Command) =>
    setExitCode(await handlers.notifyTest(flagValues(sub))),
  );
  fleetCommands(program, command, handlers, setExitCode);
  bundleCommands(
    program,
    command,
    (sub, args) => handlers.bundle(flagValues(sub), args).then(setExitCode),
    STORE_OPTIONS,
  );
  tokenCommands(
    program,
    command,
    (sub, args) => handlers.token(flagValues(sub), args).then(setExitCode),
    STORE_OPTIONS,
  );
  sayUsageErrorsInOneLine(program);
  return program;
}

function addOptions(sub: Command, options: readonly AnyOption[], reader: string | undefined): void {
  for (const option of options) {
    if (option.flag === undefined) continue;
    const valueName = option.valueName;
    const long =
      option.shortFlag === undefined ? `--${option.flag}` : `-${option.shortFlag}, --${option.flag}`;
    const flag = valueName !== undefined ? `${long} <${valueName}>` : long;
    const cliOption = new Option(flag, helpText(option));
    const group = optionGroupOf(option);
    if (group !== undefined) cliOption.helpGroup(`${group.heading}:`);
    if (reader !== undefined && group?.usedBy.includes(reader as 'run') === false) cliOption.hideHelp();
    if (option.kind === 'list')
      cliOption.argParser((value: string, previous: string[] = []) => [...previous, value]);
    sub.addOption(cliOption);
  }
}

/** Every command, nested ones too, writes a usage error as one line naming its own help. */
function sayUsageErrorsInOneLine(command: Command): void {
  const path = (each: Command): string => (each.parent ? `${path(each.parent)} ${each.name()}` : each.name());
  command.configureOutput({ outputError: (text, write) => write(usageError(text, path(command))) });
  for (const sub of command.commands) sayUsageErrorsInOneLine(sub);
}

/** `fleet ...` (docs/fleet.md): member tokens on the controller's store, and its view over the API. */
function fleetCommands(
  program: Command,
  command: CommandMaker,
  handlers: CommandHandlers,
  setExitCode: (code: number) => void,
): void {
  const fleet = program.command('fleet').description('A fleet of hosts (see docs/fleet.md)');
  const token = fleet.command('token').description("Members' tokens, on the controller");
  const run = (sub: Command, args: FleetArgs): Promise<void> =>
    handlers.fleet(flagValues(sub), args).then(setExitCode);
  command('create', 'Create (or replace) the token of member NAME; prints it once', STORE_OPTIONS, token)
    .argument('<name>', 'the member')
    .action((name: string, _o: unknown, sub: Command) =>
      run(sub, { action: 'token-create', name, json: false }),
    );
  command('list', 'List members with a token (never the tokens)', STORE_OPTIONS, token)
    .option('--json', 'print one JSON array')
    .action((o: { json?: boolean }, sub: Command) =>
      run(sub, { action: 'token-list', json: o.json === true }),
    );
  command('revoke', "Revoke member NAME's token: its connection ends", STORE_OPTIONS, token)
    .argument('<name>', 'the member')
    .action((name: string, _o: unknown, sub: Command) =>
      run(sub, { action: 'token-revoke', name, json: false }),
    );
  for (const [action, description] of [
    ['status', 'Members: online, last seen, version, wave, containers'],
    ['rollouts', 'Rollouts: each digest, its state, its wave and every member in it'],
  ] as const) {
    command(action, description, API_CLIENT_OPTIONS, fleet)
      .option('--json', 'print JSON')
      .action((o: { json?: boolean }, sub: Command) => run(sub, { action, json: o.json === true }));
  }
}

/**
 * The option values commander parsed, keyed by option key: each flag is found by its long name, and
 * its value read under the attribute name commander itself gave it (a `--no-x` flag is negated:
 * given, it means the option is on).
 */
function flagValues(command: Command): FlagValues {
  const raw = command.opts<Record<string, unknown>>();
  const values: Record<string, unknown> = {};
  for (const cliOption of command.options) {
    const option = OPTION_BY_FLAG.get(cliOption.long ?? '');
    if (option === undefined) continue;
    const value = raw[cliOption.attributeName()];
    if (cliOption.negate) {
      if (value === false) values[option.key] = true;
    } else if (value !== undefined) {
      values[option.key] = value;
    }
  }
  return values;
}

const OPTION_BY_FLAG: ReadonlyMap<string, AnyOption> = new Map(
  OPTIONS.flatMap((option: AnyOption) =>
    option.flag === undefined ? [] : [[`--${option.flag}`, option] as const],
  ),
);
