import { effectiveConfig, yaml, type Settings } from '../config/index.js';
import { silentLogger } from '../log/index.js';
import { Secrets, buildTargets, readNotifyConfig } from '../notify/index.js';

/**
 * `tidewatch config check`: everything `run` validates at start without touching the engine or
 * the store (settings from every layer, then the notification URLs and templates). The settings
 * were loaded by the caller, so a bad file has already stopped it with its one line (exit 2).
 */
export function configCheckCommand(settings: Readonly<Settings>, write: (text: string) => void): number {
  const notify = readNotifyConfig(settings);
  buildTargets(notify.urls, { logger: silentLogger(), secrets: new Secrets() });
  write(settings.configFile === undefined ? 'OK (no config file)\n' : `OK ${settings.configFile}\n`);
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
