import { composeAwareness } from './compose/index.js';
import type { Settings } from './config/index.js';
import {
  applyDockerContext,
  connectEngineClient,
  detectOwnContainerId,
  engineRegistryMirrors,
  resolveConnection,
} from './engine/index.js';
import { ContainerInventory } from './inventory/index.js';
import type { Logger } from './log/index.js';
import { RegistryClient, createCredentialStore, type HubRoutes } from './registry/index.js';
import { SignatureGate, loadSignatureTrust } from './signature/index.js';
import { connectSwarm } from './swarm/index.js';
import type { CycleDeps } from './updater/index.js';
import type { EngineEvents } from './engine/index.js';
import { imageArchivesOf, type ImageArchives } from './engine/image-archives.js';

/**
 * A cycle's dependencies as wiring builds them: with the engine client's events, which `run`
 * follows, and the registry client itself (a fleet controller copies images with it).
 */
export type WiredDeps = Omit<CycleDeps, 'registry'> & {
  readonly registry: RegistryClient;
  readonly engineEvents: EngineEvents;
  /** The engine's image store for offline bundles (src/bundle): layer chains, `docker load`. */
  readonly archives: ImageArchives;
};

/**
 * What a cycle needs, built from settings: the engine (API version negotiated), the credential
 * chain and the registry client, compose awareness, and this process's own container id. main.ts and the tests both
 * wire Tidewatch through here, so the tests run exactly what production runs.
 */
export async function buildCycleDeps(settings: Readonly<Settings>, logger: Logger): Promise<WiredDeps> {
  // Read first: a key or trusted root that cannot be read is a configuration error, before any connection.
  const trust = await loadSignatureTrust(settings);
  // Like the docker CLI: with no --host / DOCKER_HOST, DOCKER_CONTEXT or config.json's currentContext picks the engine.
  const connection = resolveConnection(
    applyDockerContext(settings, { dockerConfig: settings.dockerConfig, context: settings.context }),
  );
  // One client, one negotiated API version: containers, services and events share it.
  const client = await connectEngineClient(connection, { pullTimeoutMs: settings.pullTimeoutMs });
  const engine = client.containers;
  // Services are asked for at each cycle only when the engine is a manager (src/swarm).
  const swarm = settings.swarm === 'off' ? undefined : connectSwarm(client);
  const credentials = createCredentialStore({
    logger,
    ...(settings.dockerConfig !== undefined ? { dockerConfigDir: settings.dockerConfig } : {}),
    ...(settings.repoUser !== undefined ? { repoUser: settings.repoUser, repoPass: settings.repoPass } : {}),
    registries: settings.registries,
  });
  const registry = new RegistryClient({
    credentials,
    insecureRegistries: settings.insecureRegistries,
    hub: hubRoutes(settings, await engineRegistryMirrors(client.docker), logger),
    limits: settings.registryLimits,
    maxRetryAfterSeconds: settings.maxRegistryWaitMs / 1000,
    logger,
  });
  const selfId = await detectOwnContainerId();
  // Compose awareness is the updater's port, filled here so the updater never imports compose.
  return {
    engine,
    engineEvents: client.events,
    archives: imageArchivesOf(client.docker),
    registry,
    credentials,
    logger,
    settings,
    selfId,
    swarm,
    compose: composeAwareness,
    signatures: trust !== undefined ? new SignatureGate(trust, logger) : undefined,
  };
}

/**
 * Docker Hub's mirrors: --registry-mirror when given, else the engine's own (docker info), so a
 * check reads digests where the engine will pull them. Given ones that differ from the engine's
 * are used as given, with a warning: the engine pulls elsewhere, and the two may disagree.
 */
function hubRoutes(
  settings: Readonly<Settings>,
  engineMirrors: readonly string[],
  logger: Logger,
): HubRoutes {
  const mirrors = settings.registryMirrors ?? engineMirrors;
  if (settings.registryMirrors !== undefined && mirrors.join(' ') !== engineMirrors.join(' ')) {
    logger.warn(
      { mirrors, engineMirrors },
      "--registry-mirror differs from the engine's registry-mirrors: checks and pulls may read different sources",
    );
  }
  // Tests have no Docker Hub: a local registry stands in for it (docs/registries.md).
  const hubOrigin = process.env.TIDEWATCH_DOCKER_HUB_ORIGIN;
  return { mirrors, ...(hubOrigin ? { hubOrigin } : {}) };
}

/**
 * `run`: the container inventory, following the engine's events from now on, so that cycles
 * inspect only the containers that changed since the last one. Stop it when the daemon stops.
 */
export function startInventory(
  deps: Pick<WiredDeps, 'engine' | 'engineEvents' | 'logger'>,
): ContainerInventory {
  const inventory = new ContainerInventory({
    engine: deps.engine,
    events: deps.engineEvents,
    logger: deps.logger,
  });
  inventory.start();
  return inventory;
}
