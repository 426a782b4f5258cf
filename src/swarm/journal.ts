import type {
  FinishInput,
  Journal,
  ProgressState,
  UpdateOutcome,
  UpdateRecord,
  UpdateStrategy,
  UpdateState,
} from '../store/index.js';

/**
 * How a service update is written into the journal, whose states were made for containers (see
 * docs/swarm.md#history): `planned` before the update is sent; once the manager accepted it, the
 * steps up to `verifying` at once (from then on the swarm pulls, starts and monitors tasks node by
 * node while Tidewatch follows UpdateStatus); start-first's last step, `old-renamed`, when the swarm
 * says `completed`; then the outcome. The order is the container strategies' (update-transitions.ts).
 */
const ORDER: Readonly<Record<UpdateStrategy, readonly UpdateState[]>> = {
  'stop-first': ['planned', 'pulled', 'old-renamed', 'new-created', 'new-started', 'verifying'],
  'start-first': ['planned', 'pulled', 'new-created', 'new-started', 'verifying', 'old-renamed'],
};

/** Called after each journal write has committed (tests kill the process there). */
export type AfterJournal = ((step: string) => void) | undefined;

/** Takes every step after the recorded one up to `target`; none when the record is already there. */
function walkTo(
  journal: Journal,
  record: UpdateRecord,
  target: ProgressState,
  afterJournal: AfterJournal,
): UpdateRecord {
  const order = ORDER[record.strategy];
  let current = record;
  for (const step of order.slice(order.indexOf(record.state) + 1, order.indexOf(target) + 1)) {
    current = journal.advance(current.id, step as ProgressState);
    afterJournal?.(step);
  }
  return current;
}

/** Records that the manager accepted the update: the steps up to `verifying`. */
export function recordAccepted(
  journal: Journal,
  record: UpdateRecord,
  afterJournal: AfterJournal,
): UpdateRecord {
  return walkTo(journal, record, 'verifying', afterJournal);
}

/**
 * Records the outcome. The swarm took the update over, so a committed or rolled-back one first
 * takes the steps it needs (a committed start-first update ends with `old-renamed`).
 */
export function recordOutcome(
  journal: Journal,
  record: UpdateRecord,
  outcome: UpdateOutcome,
  details: FinishInput,
  afterJournal: AfterJournal,
): UpdateRecord {
  let current = record;
  if (outcome === 'committed')
    current = walkTo(
      journal,
      current,
      record.strategy === 'start-first' ? 'old-renamed' : 'verifying',
      afterJournal,
    );
  if (outcome === 'rolled-back') current = walkTo(journal, current, 'verifying', afterJournal);
  const finished = journal.finish(current.id, outcome, details);
  afterJournal?.(outcome);
  return finished;
}
