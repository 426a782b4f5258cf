/**
 * The composition root: parses the command line, loads and validates settings once, wires the
 * engine, registry and logger together, and runs the command. The only place that exits.
 */
import { buildProgram, checkCommand, onceCommand, runCommand } from './cli/index.js';
import { loadSettings, type FlagValues, type Settings } from './config/index.js';
import { TidewatchError, describeError } from './domain/errors.js';
import { connectEngine, detectOwnContainerId, resolveConnection } from './engine/index.js';
import { createLogger } from './log/index.js';
import { RegistryClient, createCredentialStore } from './registry/index.js';
import type { CycleDeps } from './updater/index.js';

async function wire(flags: FlagValues): Promise<CycleDeps> {
  const settings: Readonly<Settings> = loadSettings(flags, process.env);
  const logger = createLogger({
    level: settings.logLevel,
    ...(settings.logFormat === 'auto' ? {} : { pretty: settings.logFormat === 'pretty' }),
  });
  const engine = await connectEngine(resolveConnection(settings));
  const credentials = createCredentialStore({
    logger,
    ...(settings.dockerConfig !== undefined ? { dockerConfigDir: settings.dockerConfig } : {}),
    ...(settings.repoUser !== undefined ? { repoUser: settings.repoUser, repoPass: settings.repoPass } : {}),
  });
  const registry = new RegistryClient({
    credentials,
    insecureRegistries: settings.insecureRegistries,
    logger,
  });
  const selfId = await detectOwnContainerId();
  if (selfId !== undefined) logger.info({ selfId }, 'running in a container; it is never updated in a cycle');
  return { engine, registry, credentials, logger, settings, selfId };
}

const program = buildProgram(
  {
    run: async (flags) => runCommand(await wire(flags)),
    once: async (flags, names) => onceCommand(await wire(flags), names),
    check: async (flags, names, json) =>
      checkCommand(await wire(flags), names, json, (text) => process.stdout.write(text)),
  },
  (code) => {
    process.exitCode = code;
  },
);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  // Bad configuration or an unreachable engine: one line, no stack trace.
  process.stderr.write(`tidewatch: ${describeError(error)}\n`);
  process.exitCode = error instanceof TidewatchError && error.code === 'invalid-config' ? 2 : 1;
}
