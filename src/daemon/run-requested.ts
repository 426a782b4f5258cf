import { imageMatcher } from '../domain/index.js';
import type { CycleReport } from '../domain/run.js';
import type { RunRequest } from '../scheduler/index.js';
import { journalOf, type Store } from '../store/index.js';
import { runCycle, type CycleDeps } from '../updater/index.js';

export interface RunControl {
  readonly signal: AbortSignal;
  readonly shouldStop?: () => boolean;
}

/**
 * One cycle as a run request asks for it: its containers or images, an update or a check only,
 * and what it plans recorded as made by whoever asked (the daemon's run queue runs this).
 */
export function runRequested(
  deps: CycleDeps & { readonly store: Store },
  request: RunRequest,
  control: RunControl,
): Promise<CycleReport> {
  const journal = journalOf(deps.store.journal, request.actor);
  return runCycle(
    { ...deps, store: { ...deps.store, journal } },
    {
      names: request.names ?? [],
      images: request.images?.length ? imageMatcher(request.images) : undefined,
      update: !request.checkOnly,
      signal: control.signal,
      shouldStop: control.shouldStop,
      trigger: request.trigger,
    },
  );
}
