import type { ProgressState, UpdateOutcome, UpdateState, UpdateStrategy } from './update-types.js';

/**
 * The one step `advance` may take from each state. Strictly forward and one at a time: a state
 * then always means that every step before it happened, which is what crash recovery relies on.
 * A step that had nothing to do (an image already present) is still recorded as done.
 */
const NEXT: Readonly<Record<UpdateStrategy, Readonly<Partial<Record<UpdateState, ProgressState>>>>> = {
  'stop-first': {
    planned: 'pulled',
    pulled: 'old-renamed',
    'old-renamed': 'new-created',
    'new-created': 'new-started',
    'new-started': 'verifying',
  },
  // The new container is created, started and verified beside the original, which gives up its
  // name only then: `old-renamed` is the last step, and means the handover has begun.
  'start-first': {
    planned: 'pulled',
    pulled: 'new-created',
    'new-created': 'new-started',
    'new-started': 'verifying',
    verifying: 'old-renamed',
  },
};

/** The state an update is committed from: the last step of its strategy. */
const COMMIT_FROM: Readonly<Record<UpdateStrategy, UpdateState>> = {
  'stop-first': 'verifying',
  'start-first': 'old-renamed',
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
export function canTransition(
  from: UpdateState,
  to: UpdateState,
  strategy: UpdateStrategy = 'stop-first',
): boolean {
  if (isFinished(from)) return false;
  switch (to) {
    case 'committed':
      // Only a verified update is committed: that is the point of the verifying step.
      return from === COMMIT_FROM[strategy];
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
      return NEXT[strategy][from] === to;
  }
}
