export { Scheduler, type SchedulerOptions } from './scheduler.js';
export { RunQueue, type RunRequest } from './run-queue.js';
