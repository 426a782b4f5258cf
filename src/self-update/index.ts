/**
 * Self-update: Tidewatch replacing the container it runs in, with exactly one active instance (the
 * data-dir lock's holder) at every moment. See docs/self-update.md.
 */
export { SelfUpdater, waitToBeStopped } from './self-updater.js';
export { awaitTurn, takeOver, type Turn } from './successor.js';
export { SUCCESSOR_ENV, readyFile } from './handover-file.js';
export { successorSpec, overlapBlocker } from './successor-spec.js';
export { runWithSelfUpdate } from './run-with-self-update.js';
