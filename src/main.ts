/**
 * The composition root: parses the command line, loads and validates settings once, wires the
 * store, engine, registry and logger together, and runs the command. The only place that exits.
 */
import {
  buildProgram,
  checkCommand,
  forgetCommand,
  historyCommand,
  onceCommand,
  rollbackCommand,
  runCommand,
} from './cli/index.js';
import { loadSettings, type FlagValues, type Settings } from './config/index.js';
import { systemClock } from './domain/clock.js';
import { TidewatchError, describeError } from './domain/errors.js';
import { EventBus, observeJournal } from './events/index.js';
import { createLogger, type Logger } from './log/index.js';
import { buildCycleDeps } from './wiring.js';
import { isInContainer, openStore, resolveDataDir, storeFile, type Store } from './store/index.js';
import { recoverUnfinished, type CycleDeps } from './updater/index.js';

/** What run and once hand their command: the cycle's dependencies, the open store and the event bus. */
type StoreDeps = CycleDeps & { readonly store: Store; readonly events: EventBus };

interface Configured {
  readonly settings: Readonly<Settings>;
  readonly logger: Logger;
}

function configure(flags: FlagValues): Configured {
  const settings: Readonly<Settings> = loadSettings(flags, process.env);
  const logger = createLogger({
    level: settings.logLevel,
    ...(settings.logFormat === 'auto' ? {} : { pretty: settings.logFormat === 'pretty' }),
  });
  return { settings, logger };
}

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

async function connect({ settings, logger }: Configured): Promise<CycleDeps> {
  const deps = await buildCycleDeps(settings, logger);
  if (deps.selfId !== undefined) {
    logger.info({ selfId: deps.selfId }, 'running in a container; it is never updated in a cycle');
  }
  return deps;
}

/**
 * run and once: the store is opened first, before the engine is even asked, so that a second
 * instance on the same data dir stops at once with the lock's one line, having touched nothing.
 * The store is closed when the command returns: for run, after the scheduler stopped.
 */
async function withStore(flags: FlagValues, command: (deps: StoreDeps) => Promise<number>): Promise<number> {
  const configured = configure(flags);
  const store = openStore(dataFile(configured.settings), { clock: systemClock });
  try {
    configured.logger.info({ store: store.file, schemaVersion: store.schemaVersion }, 'store opened');
    const deps = await connect(configured);
    // Before anything else: finish what a killed predecessor left half done.
    await recoverUnfinished({ engine: deps.engine, journal: store.journal, logger: configured.logger });
    const events = new EventBus(configured.logger);
    // Every journal write becomes an event, after it committed.
    const observed: Store = { ...store, journal: observeJournal(store.journal, events) };
    return await command({ ...deps, store: observed, events, afterJournal: testCrashHook() });
  } finally {
    store.close();
  }
}

/**
 * Test-only: TIDEWATCH_TEST_CRASH_AFTER=<journal step> kills this process with SIGKILL right after
 * that step is journaled, so the crash-recovery tests can stop it at every step. Never set it in
 * production; it is not a documented setting.
 */
function testCrashHook(): ((step: string) => void) | undefined {
  const target = process.env.TIDEWATCH_TEST_CRASH_AFTER;
  if (target === undefined || target === '') return undefined;
  return (step) => {
    if (step === target) process.kill(process.pid, 'SIGKILL');
  };
}

const write = (text: string): void => {
  process.stdout.write(text);
};

const program = buildProgram(
  {
    run: (flags) => withStore(flags, runCommand),
    once: (flags, names) => withStore(flags, (deps) => onceCommand(deps, names)),
    rollback: (flags, name) =>
      withStore(flags, (deps) => rollbackCommand(deps, name, write, (text) => process.stderr.write(text))),
    // check changes nothing and records nothing: no store, so it runs next to a daemon.
    check: async (flags, names, json) => {
      const configured = configure(flags);
      return checkCommand(await connect(configured), names, json, write);
    },
    // history and forget need neither the engine nor the lock (see src/store/read-only.ts).
    history: (flags, args) =>
      Promise.resolve(historyCommand(dataFile(loadSettings(flags, process.env)), args, write)),
    forget: (flags, name) =>
      Promise.resolve(forgetCommand(dataFile(loadSettings(flags, process.env)), name, write)),
  },
  (code) => {
    process.exitCode = code;
  },
);

const USAGE_ERRORS = new Set(['invalid-config', 'invalid-argument']);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  // Bad configuration, a held data dir or an unreachable engine: one line, no stack trace.
  process.stderr.write(`tidewatch: ${describeError(error)}\n`);
  process.exitCode = error instanceof TidewatchError && USAGE_ERRORS.has(error.code) ? 2 : 1;
}
