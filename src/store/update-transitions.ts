import type { ProgressState, UpdateOutcome, UpdateState } from './update-types.js';

/**
 * The one step `advance` may take from each state. Strictly forward and one at a time: a state
 * then always means that every step before it happened, which is what crash recovery relies on.
 * A step that had nothing to do (an image already present) is still recorded as done.
 */
const NEXT: Readonly<Partial<Record<UpdateState, ProgressState>>> = {
  planned: 'pulled',
  pulled: 'old-renamed',
  'old-renamed': 'new-created',
  'new-created': 'new-started',
  'new-started': 'verifying',
};

// Nothing on the engine changes before the old container is renamed, so there is nothing to roll
// back from `planned` or `pulled`: an update that stops there failed.
const ROLLBACK_FROM: ReadonlySet<UpdateState> = new Set<UpdateState>([
  'old-renamed',
  'new-created',
  'new-started',
  'verifying',
]);

const OUTCOMES: ReadonlySet<UpdateState> = new Set<UpdateState>(['committed', 'rolled-back', 'failed']);

export function isFinished(state: UpdateState): state is UpdateOutcome {
  return OUTCOMES.has(state);
}

/** Whether an update in `from` may move to `to`, through `advance` or `finish`. */
export function canTransition(from: UpdateState, to: UpdateState): boolean {
  if (isFinished(from)) return false;
  switch (to) {
    case 'committed':
      // Only a verified update is committed: that is the point of the verifying step.
      return from === 'verifying';
    case 'rolled-back':
      return ROLLBACK_FROM.has(from);
    case 'failed':
      return true;
    case 'planned':
    case 'pulled':
    case 'old-renamed':
    case 'new-created':
    case 'new-started':
    case 'verifying':
      return NEXT[from] === to;
  }
}
