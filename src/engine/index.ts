export type { Engine, ExecResult, ImageDetails, PullAuth } from './engine.js';
export { connectEngine, type EngineOptions } from './docker-engine.js';
export { startIdleTimer, type IdleTimer } from './idle-timer.js';
export { createDockerClient } from './docker-client.js';
export {
  resolveConnection,
  DEFAULT_SOCKET,
  type EngineConnection,
  type ConnectionSettings,
} from './connection.js';
export { negotiateApiVersion, compareApiVersions, NEWEST_SUPPORTED_API } from './api-version.js';
export { detectOwnContainerId, ownContainerIdFromMountinfo } from './self.js';
export {
  connectEngineEvents,
  toContainerEvent,
  type ContainerEvent,
  type EngineEvents,
  type EventHandlers,
} from './events.js';
