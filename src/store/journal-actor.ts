import type { Journal } from './journal.js';
import type { PlanInput } from './update-types.js';

/**
 * The journal of one run made by `actor` (a named API token's holder, a voter): every update it
 * plans records them, whichever part of the updater plans it.
 */
export function journalOf(journal: Journal, actor: string | undefined): Journal {
  if (actor === undefined) return journal;
  const by = (input: PlanInput): PlanInput => ({ ...input, actor: input.actor ?? actor });
  return {
    ...journal,
    plan: (input) => journal.plan(by(input)),
    repaired: (input, outcome, reason) => journal.repaired(by(input), outcome, reason),
  };
}
