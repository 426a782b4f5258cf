import type { Journal } from '../store/index.js';
import type { EventBus } from './bus.js';

/**
 * The journal, emitting an `update-step` event after each write has committed: listeners only
 * ever hear of a step the store already holds, so what they report survives a crash.
 */
export function observeJournal(journal: Journal, bus: EventBus): Journal {
  return {
    plan(input) {
      const id = journal.plan(input);
      const record = journal.get(id);
      if (record) bus.emit({ type: 'update-step', update: record });
      return id;
    },
    advance(id, state, patch) {
      const record = journal.advance(id, state, patch);
      bus.emit({ type: 'update-step', update: record });
      return record;
    },
    finish(id, outcome, details) {
      const record = journal.finish(id, outcome, details);
      bus.emit({ type: 'update-step', update: record });
      return record;
    },
    repaired(input, outcome, reason) {
      const record = journal.repaired(input, outcome, reason);
      bus.emit({ type: 'update-step', update: record });
      return record;
    },
    unfinished: () => journal.unfinished(),
    get: (id) => journal.get(id),
  };
}
