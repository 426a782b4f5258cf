import { effectiveConfig, yaml, type Settings } from '../config/index.js';
import { applyDockerContext } from '../engine/docker-context.js';
import { resolveConnection } from '../engine/connection.js';
import { silentLogger } from '../log/index.js';
import { Secrets, buildTargets, readNotifyConfig } from '../notify/index.js';
import { loadSignatureTrust } from '../signature/trust.js';

/**
 * `tidewatch config check`: everything `run` validates at start without connecting to anything or
 * opening the store: settings from every layer, the engine address (host, context, TLS files), the
 * signature trust, then the notification URLs and templates. The settings were loaded by the
 * caller, so a bad file has already stopped it with its one line (exit 2).
 */
export async function configCheckCommand(
  settings: Readonly<Settings>,
  write: (text: string) => void,
): Promise<number> {
  const engine = resolveConnection(
    applyDockerContext(settings, { dockerConfig: settings.dockerConfig, context: settings.context }),
  );
  await loadSignatureTrust(settings);
  const notify = readNotifyConfig(settings);
  buildTargets(notify.urls, { logger: silentLogger(), secrets: new Secrets() });
  const file = settings.configFile === undefined ? '(no config file)' : settings.configFile;
  write(`OK ${file}; engine ${engine.display}\n`);
  return 0;
}

/**
 * `tidewatch config print`: the effective configuration, after flags, env, the file and defaults,
 * as YAML a config file may hold; secrets are `***`.
 */
export function configPrintCommand(settings: Readonly<Settings>, write: (text: string) => void): number {
  const source = settings.configFile === undefined ? 'no config file' : settings.configFile;
  write(`# Effective configuration: flags > environment > ${source} > defaults; secrets are ***\n`);
  write(yaml().stringify(effectiveConfig(settings), { lineWidth: 0 }));
  return 0;
}
