export type { Daemon, Service, ServiceStarter } from './daemon.js';
