import type { History, Journal, UpdateTrigger } from '../store/index.js';
import type { GateCandidate } from './candidate.js';

/** The store's parts a refusal is written with. */
export interface RefusalStore {
  readonly journal: Pick<Journal, 'plan' | 'finish'>;
  readonly history: Pick<History, 'list'>;
}

/**
 * A new digest refused for its signature belongs in the history like an update that failed before
 * it began: one `failed` row with the reason and nothing changed, so `history`, the dashboard and a
 * `failed` notification (from the row's `update-step` event) all say why it did not deploy. The gate
 * refuses the same digest every cycle until its signatures change; the history says it once, while
 * the subject's newest row is already this refusal. Returns whether a row was written.
 */
export function recordRefusal(
  store: RefusalStore,
  item: GateCandidate,
  reason: string,
  trigger: UpdateTrigger,
): boolean {
  const { result } = item;
  const newest = store.history.list({ container: result.name, limit: 1 }).items[0];
  if (newest?.toDigest === (result.latestDigest ?? null) && newest.reason === reason) return false;
  const id = store.journal.plan({
    containerName: result.name,
    containerId: result.id,
    image: result.image,
    trigger,
    strategy: 'stop-first',
    fromDigest: result.currentDigest,
    toDigest: result.latestDigest,
    fromTag: result.currentTag,
    toTag: result.latestTag ?? result.currentTag,
  });
  store.journal.finish(id, 'failed', { reason });
  return true;
}
