import type { Logger } from '../log/index.js';
import { describeError } from '../domain/errors.js';
import type { TidewatchEvent } from './events.js';

export type EventListener = (event: TidewatchEvent) => void;

/**
 * A synchronous, in-process event bus. Listeners run in the emitter's turn and must not block:
 * anything slow (a webhook, a mail) is queued by the listener itself. A listener that throws is
 * logged and removed from nothing: one broken consumer never stops an update or the others.
 */
export class EventBus {
  private readonly listeners = new Set<EventListener>();

  constructor(private readonly logger?: Logger) {}

  /** Adds a listener; returns the function that removes it. */
  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: TidewatchEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.logger?.error({ event: event.type, reason: describeError(error) }, 'an event listener failed');
      }
    }
  }
}
