/** The daemon (`tidewatch run`): its run loop, the services started with it, own schedules. */
export type { Daemon, Service, ServiceStarter } from './daemon.js';
export { runDaemon } from './run-daemon.js';
export { runRequested } from './run-requested.js';
export { ownSchedules, type OwnSchedules, type OwnSchedulesOptions } from './own-schedules.js';
export { fleetRole, type FleetRole } from './fleet-role.js';
