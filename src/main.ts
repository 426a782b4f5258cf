/**
 * The composition root: parses the command line, loads and validates settings once, wires the
 * store, engine, registry and logger together, and runs the command. The only place that exits.
 */
import { testCrashHook } from './cli/test-crash-hook.js';
import { withDefaultCommand } from './cli/default-command.js';
import { exitForFailure } from './cli/exit-code.js';
import { fleetTokenCommand, fleetViewCommand } from './cli/fleet-command.js';
import { tokenCommand } from './cli/token-command.js';
import { bundleCommand } from './cli/bundle-command.js';
import { bundleInbox } from './bundle/inbox-service.js';
import { haveOf } from './bundle/service.js';
import {
  approvalsCommand,
  buildProgram,
  checkCommand,
  configCheckCommand,
  configPrintCommand,
  voteCommand,
  forgetCommand,
  healthcheckCommand,
  historyCommand,
  notificationService,
  notifyTestCommand,
  onceCommand,
  rollbackCommand,
  withNotifications,
} from './cli/index.js';
import { startApi } from './api/index.js';
import { gitopsCommand } from './cli/gitops-command.js';
import { startGitops } from './gitops/index.js';
import { fleetRole, ownSchedules, runDaemon } from './daemon/index.js';
import { loadSettings, type FlagValues, type Settings } from './config/index.js';
import { logStart } from './start-line.js';
import { configure, type Configured } from './cli/configure.js';
import { writeStdout as write } from './cli/stdout.js';
import { systemClock } from './domain/clock.js';
import { describeError } from './domain/errors.js';
import { EventBus, observeJournal } from './events/index.js';
import { createNotifications, type Notifications } from './notify/index.js';
import { buildCycleDeps, startInventory, type WiredDeps } from './wiring.js';
import {
  isInContainer,
  openPolicyReader,
  openStore,
  resolveDataDir,
  storeFile,
  type Store,
} from './store/index.js';
import { watchShutdown, type Shutdown } from './cli/shutdown.js';
import { reconcile, reconcileNames } from './updater/index.js';
import { awaitTurn, runWithSelfUpdate, takeOver } from './self-update/index.js';
import type { ContainerSummary } from './domain/index.js';
import { dirname } from 'node:path';

/** What run and once hand their command: the cycle's dependencies, the open store and the event bus. */
type StoreDeps = WiredDeps & {
  readonly store: Store;
  readonly events: EventBus;
  /** Aborted by SIGTERM or SIGINT (see src/cli/shutdown.ts). */
  readonly shutdown: AbortSignal;
};

/** The store's file: --data-dir or TIDEWATCH_DATA_DIR (relative to here), else the default for this user. */
function dataFile(settings: Readonly<Settings>): string {
  const dir = resolveDataDir({
    flag: settings.dataDir,
    env: process.env,
    // No getuid (Windows): not root either.
    uid: process.getuid?.() ?? -1,
    inContainer: isInContainer(),
    cwd: process.cwd(),
  });
  return storeFile(dir);
}

async function connect({ settings, logger }: Configured): Promise<WiredDeps> {
  return buildCycleDeps(settings, logger);
}

/**
 * run and once: the store is opened first, before the engine is even asked, so a second instance
 * on the same data dir stops at once with the lock's one line; closed when the command returns.
 */
async function withStore(
  flags: FlagValues,
  command: (deps: StoreDeps) => Promise<number>,
  successorOf?: string,
  options?: { readonly quietOnTerminal?: boolean; readonly names?: readonly string[] },
): Promise<number> {
  const configured = configure(flags, process.env, options);
  const file = dataFile(configured.settings);
  // A self-update's successor (src/self-update) connects first, says it is ready, then waits for the lock.
  const early = successorOf === undefined ? undefined : await connect(configured);
  const turn =
    early === undefined || successorOf === undefined
      ? undefined
      : await awaitTurn(early, dirname(file), successorOf, systemClock);
  const store = openStore(file, { clock: systemClock, lock: turn?.lock });
  let shutdown: Shutdown | undefined;
  try {
    const deps = early ?? (await connect(configured));
    logStart(deps, store);
    if (turn !== undefined) await takeOver(deps, turn);
    // Before anything else: finish what a killed predecessor left half done.
    await reconcile({
      engine: deps.engine,
      journal: store.journal,
      plans: store.plans,
      logger: configured.logger,
      scope: configured.settings.scope,
      names: reconcileNames(options?.names ?? [], configured.settings.containers),
    });
    const events = new EventBus(configured.logger);
    // Every journal write becomes an event, after it committed.
    const observed: Store = { ...store, journal: observeJournal(store.journal, events) };
    shutdown = watchShutdown(
      { timeoutMs: configured.settings.shutdownTimeoutMs, logger: configured.logger, plans: store.plans },
      (code) => {
        store.close();
        process.exit(code);
      },
    );
    const stop = shutdown.signal;
    return await command({ ...deps, store: observed, events, afterJournal: testCrashHook(), shutdown: stop });
  } finally {
    shutdown?.dispose();
    store.close();
  }
}

/** run and once: notifications (src/notify) over the store's outbox; a bad URL stops here, exit 2. */
function notificationsOf(deps: StoreDeps): Notifications {
  return createNotifications(deps.settings, { store: deps.store, logger: deps.logger, clock: systemClock });
}

/** `once`, and `run --run-once`: one cycle with notifications; on a terminal, its lines instead of logs. */
function runOnce(flags: FlagValues, names: readonly string[]): Promise<number> {
  const once = (deps: StoreDeps): Promise<number> =>
    withNotifications(notificationsOf(deps), deps.events, () => onceCommand(deps, names, deps.shutdown));
  return withStore(flags, once, undefined, { quietOnTerminal: true, names });
}

const program = buildProgram(
  {
    // The HTTP API is a service started beside the scheduler (see src/api).
    run: (given, names) => {
      // Positional names are Watchtower's: watch only these (the `containers` setting).
      const flags = names.length > 0 ? { ...given, containers: names } : given;
      // --run-once (Watchtower's -R): one cycle and exit, exactly as `once`.
      if (loadSettings(flags, process.env).runOnce) return runOnce(flags, []);
      return runWithSelfUpdate((selfUpdater, successorOf) =>
        withStore(
          flags,
          (wired) => {
            // A fleet controller, a member (whose registry is its controller), or neither (src/fleet).
            const role = fleetRole(wired);
            const deps = role.kind === 'member' ? { ...wired, registry: role.registry } : wired;
            // Own schedules (containers' and services'), and a run when a window opens or a cooldown ends (docs/policies.md).
            const schedules = ownSchedules();
            // First in, last out: subscribed before any run, stopped after the other services.
            const notifications = notificationService(notificationsOf(wired));
            // Cycles inspect only the containers the engine's events say changed (src/inventory).
            const inventory = startInventory(deps);
            // The container Tidewatch runs in is updated by a handover, after the cycle (src/self-update).
            const onSelf = (self: ContainerSummary, signal: AbortSignal): Promise<void> =>
              selfUpdater.onSelf(deps, self, signal);
            return runDaemon(
              { ...deps, inventory, onSelf, schedules: schedules.gate, wakeAt: schedules.wakeAt },
              [
                notifications,
                ...(role.kind === 'none' ? [] : [role.start]),
                startApi,
                schedules.start,
                // GitOps sources (src/gitops): after the API, whose git webhook reaches it.
                startGitops,
                // --inbox: offline bundles dropped into a directory (src/bundle).
                ...bundleInbox({ ...wired, storeFile: wired.store.file }),
              ],
              {
                fleet: role.kind === 'controller' ? role.controller : undefined,
                bundleHave: () =>
                  haveOf({ ...wired, storeFile: wired.store.file }, wired.store.bundles.lastApplied()),
              },
            ).finally(() => inventory.stop());
          },
          successorOf,
        ),
      );
    },
    once: (flags, names) => runOnce(flags, names),
    gitops: (flags) =>
      withStore(flags, (deps) => gitopsCommand(deps, write, (text) => process.stderr.write(text))),
    rollback: (flags, name) =>
      withStore(flags, (deps) => rollbackCommand(deps, name, write, (text) => process.stderr.write(text))),
    // check changes nothing and records nothing: no store, so it runs next to a daemon.
    check: async (flags, names, json) => {
      const configured = configure(flags, process.env, { quietOnTerminal: true });
      // Read-only, without the lock: approvals and first sightings say why a candidate waits.
      // A store it cannot read (another schema version) costs only that: check goes on without it.
      let policyReader;
      try {
        policyReader = openPolicyReader(dataFile(configured.settings));
      } catch (error) {
        configured.logger.warn(
          { reason: describeError(error) },
          'policy state not read; check goes on without it',
        );
      }
      try {
        return await checkCommand({ ...(await connect(configured)), policyReader }, names, json, write);
      } finally {
        policyReader?.close();
      }
    },
    // Sends to every URL directly: no store, no engine, so it works next to a daemon.
    notifyTest: (flags) => {
      const configured = configure(flags);
      return notifyTestCommand(configured.settings, configured.logger, write, (text) =>
        process.stderr.write(text),
      );
    },
    // history and forget need neither the engine nor the lock (see src/store/read-only.ts).
    history: (flags, args) =>
      Promise.resolve(historyCommand(dataFile(loadSettings(flags, process.env)), args, write)),
    forget: (flags, name) =>
      Promise.resolve(forgetCommand(dataFile(loadSettings(flags, process.env)), name, write)),
    // Approvals work on the store like forget: no engine, no lock (see src/store/approvals-access.ts).
    approvals: (flags, args) =>
      Promise.resolve(approvalsCommand(dataFile(loadSettings(flags, process.env)), args, write)),
    // The image's HEALTHCHECK: only the API address is read; no store, no engine.
    healthcheck: (flags) =>
      healthcheckCommand(loadSettings(flags, process.env).httpAddr, (text) => process.stderr.write(text)),
    // Settings from every layer, validated as run validates them; no engine, no store.
    config: (flags, action) => {
      const settings = loadSettings(flags, process.env);
      return action === 'check'
        ? configCheckCommand(settings, write)
        : Promise.resolve(configPrintCommand(settings, write));
    },
    // Tokens on the store like approvals (no engine, no lock); the views over the controller's API.
    fleet: (flags, args) => {
      const settings = loadSettings(flags, process.env);
      const error = (text: string): void => void process.stderr.write(text);
      if (args.action === 'status' || args.action === 'rollouts') {
        return fleetViewCommand(settings.httpAddr, settings.apiToken, args.action, args.json, write, error);
      }
      const action =
        args.action === 'token-create' ? 'create' : args.action === 'token-list' ? 'list' : 'revoke';
      return Promise.resolve(
        fleetTokenCommand(dataFile(settings), action, args.name, args.json, write, error),
      );
    },
    token: (flags, args) =>
      Promise.resolve(
        tokenCommand(dataFile(loadSettings(flags, process.env)), args, write, (text) => {
          process.stderr.write(text);
        }),
      ),
    // create and have need the engine or a registry, apply the store's lock as once does (docs/offline.md).
    bundle: (flags, args) => {
      const configured = configure(flags);
      return bundleCommand(args, {
        ...configured,
        storeFile: dataFile(configured.settings),
        connect: () => connect(configured),
        withStore: (use) => withStore(flags, use),
        write,
        writeError: (text) => process.stderr.write(text),
      });
    },
    vote: (flags, id, voter, vote) =>
      Promise.resolve(
        voteCommand(dataFile(loadSettings(flags, process.env)), id, voter, vote, write, (text) =>
          process.stderr.write(text),
        ),
      ),
  },
  (code) => {
    process.exitCode = code;
  },
);

async function main(): Promise<void> {
  try {
    // Every subcommand's name, and commander's own `help`: anything else first means `run`.
    const commands = new Set(['help', ...program.commands.flatMap((sub) => [sub.name(), ...sub.aliases()])]);
    await program.parseAsync(withDefaultCommand(process.argv, commands));
  } catch (error) {
    process.exitCode = exitForFailure(error, (text) => process.stderr.write(text));
  }
}

void main();
