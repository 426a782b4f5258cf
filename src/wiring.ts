import type { Settings } from './config/index.js';
import { connectEngine, detectOwnContainerId, resolveConnection } from './engine/index.js';
import type { Logger } from './log/index.js';
import { RegistryClient, createCredentialStore } from './registry/index.js';
import type { CycleDeps } from './updater/index.js';

/**
 * What a cycle needs, built from settings: the engine (API version negotiated), the credential
 * chain and the registry client, and this process's own container id. main.ts and the tests both
 * wire Tidewatch through here, so the tests run exactly what production runs.
 */
export async function buildCycleDeps(settings: Readonly<Settings>, logger: Logger): Promise<CycleDeps> {
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
  return { engine, registry, credentials, logger, settings, selfId };
}
