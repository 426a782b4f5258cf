import { readContainerLabels } from '../config/index.js';
import { describeError } from '../domain/errors.js';
import { familiarName, imageReferenceOf, parseImageRef } from '../domain/index.js';
import type { Store, UpdateTrigger } from '../store/index.js';
import type { CycleDeps } from './cycle-deps.js';
import { groupOf } from './group-of.js';
import { updateSettingsFor } from './update-settings.js';
import { updateContainer } from './update-container.js';

export type ManualRollback =
  { readonly ok: true; readonly imageId: string } | { readonly ok: false; readonly reason: string };

/**
 * `tidewatch rollback NAME`: puts a container back on the image it ran before its last committed
 * update, through the same journaled, verified swap as an update (no pull: the tag is pointed back
 * at the kept previous image). The digest it leaves is remembered as bad, so the next cycle does
 * not simply update it again; `tidewatch forget NAME` allows it back.
 */
export async function rollbackToPrevious(
  deps: CycleDeps & { readonly store: Store },
  name: string,
  signal: AbortSignal,
  trigger: UpdateTrigger = 'cli',
): Promise<ManualRollback> {
  const { engine, store, settings } = deps;
  const details = await engine.inspectContainer(name);
  if (!details) return { ok: false, reason: `no container named ${name}` };
  const last = store.history.list({ container: name, outcome: 'committed', limit: 1 }).items[0];
  if (!last?.fromImageId) return { ok: false, reason: `${name} has no committed update to roll back` };
  if (last.toImageId !== null && last.toImageId !== details.imageId) {
    return {
      ok: false,
      reason: `${name} no longer runs the image its last update installed; nothing to roll back`,
    };
  }
  const previous = await engine.inspectImage(last.fromImageId);
  if (!previous) {
    return {
      ok: false,
      reason: `the previous image ${last.fromImageId} is no longer on this host (see --keep-images)`,
    };
  }
  const current = await engine.inspectImage(details.imageId);
  if (!current) return { ok: false, reason: `the image ${name} runs is not in the engine` };

  let ref;
  let labels;
  try {
    ref = parseImageRef(imageReferenceOf(details) ?? '');
    labels = readContainerLabels(details.config.Labels ?? {});
  } catch (error) {
    return { ok: false, reason: describeError(error) };
  }
  const repository = familiarName(ref);
  const tag = ref.tag ?? 'latest';
  await engine.tagImage(previous.id, repository, tag);

  const outcome = await updateContainer(
    {
      ...deps,
      journal: store.journal,
      plans: store.plans,
      badDigests: store.badDigests,
      history: store.history,
    },
    {
      details,
      ref,
      oldImage: current,
      digest: undefined,
      trigger,
      currentDigest: last.toDigest ?? undefined,
      ...updateSettingsFor(labels, settings),
      revive: false,
      cleanup: false,
      keepImages: settings.keepImages,
      signal,
      // Its namespace sharers and link clients follow it back, as they followed it forward.
      group: { members: await groupOf(deps, details), updates: new Map() },
    },
  );
  if (outcome.kind !== 'updated') {
    // Still on the newer image: point the tag back at it.
    await engine.tagImage(current.id, repository, tag);
    return { ok: false, reason: outcome.reason };
  }
  if (last.toDigest)
    store.badDigests.remember(name, last.toDigest, 'rolled back by hand with tidewatch rollback');
  return { ok: true, imageId: previous.id };
}
