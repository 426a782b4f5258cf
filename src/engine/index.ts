export type { Engine, ExecResult, ImageDetails, PullAuth, PullProgress } from './engine.js';
export type { EngineOptions } from './docker-engine.js';
export { connectEngine, connectEngineClient, type EngineClient } from './engine-client.js';
export { startIdleTimer, type IdleTimer } from './idle-timer.js';
export { EXEC_OUTPUT_BYTES } from './exec.js';
export {
  resolveConnection,
  DEFAULT_SOCKET,
  type EngineConnection,
  type ConnectionSettings,
} from './connection.js';
export { applyDockerContext, type ContextSources } from './docker-context.js';
export { negotiateApiVersion, compareApiVersions, NEWEST_SUPPORTED_API } from './api-version.js';
export { engineRegistryMirrors } from './registry-mirrors.js';
export { detectOwnContainerId, ownContainerIdFromMountinfo } from './self.js';
export { toContainerEvent, type ContainerEvent, type EngineEvents, type EventHandlers } from './events.js';
// For adapters of the engine's other parts (src/swarm): one way to read a dockerode failure.
export { engineError, statusOf } from './docker-errors.js';
