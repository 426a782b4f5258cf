/**
 * Docker Swarm services: watched like containers when the engine is a swarm manager, and updated
 * through the swarm's own rolling update (see docs/swarm.md).
 */
export { connectSwarm } from './docker-swarm.js';
export { runServiceCycle, type ServiceCycleDeps, type ServiceCycleOptions } from './cycle.js';
export {
  SERVICE_PREFIX,
  isServiceSubject,
  serviceSubject,
  selectServices,
  type ServiceSelection,
} from './select.js';
export { followUpdate, type FollowResult } from './follow.js';
export { recoverServiceUpdates, unfinishedServiceUpdates } from './recover.js';
export type {
  ServiceDetails,
  ServiceMode,
  ServiceSpec,
  SwarmEngine,
  SwarmState,
  SwarmUpdateConfig,
  SwarmUpdateState,
  SwarmUpdateStatus,
  TaskSummary,
} from './types.js';
