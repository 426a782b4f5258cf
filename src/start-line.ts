import { changedOptions } from './config/index.js';
import { compileCacheState } from './boot/index.js';
import { VERSION } from './domain/version.js';
import type { WiredDeps } from './wiring.js';

/**
 * The first line of run and once: which Tidewatch, on which engine, with which store, configured how
 * (the options that differ from the defaults, secrets hidden), and whether the compile cache served. Logged once connected, so it can name
 * the engine's API version; the store was opened (and locked) before, quietly.
 */
export function logStart(deps: WiredDeps, store: { file: string; schemaVersion: number }): void {
  const compileCache = compileCacheState();
  deps.logger.info(
    {
      version: VERSION,
      engineApi: deps.engine.apiVersion,
      store: store.file,
      schemaVersion: store.schemaVersion,
      // Its own container, if any: never updated in a cycle (a self-update hands over instead).
      ...(deps.selfId !== undefined && { selfId: deps.selfId }),
      options: changedOptions(deps.settings),
      ...(compileCache !== undefined && { compileCache }),
    },
    `tidewatch ${VERSION} starting`,
  );
}
