/** The event bus: what happened, for notifications, the live stream, metrics and logs. */
export { EventBus, type EventListener } from './bus.js';
export type { TidewatchEvent, TidewatchEventType } from './events.js';
export { observeJournal } from './observe-journal.js';
