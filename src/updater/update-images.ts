import { pullCredentialsFor } from '../registry/index.js';
import { describeError } from '../domain/errors.js';
import { familiarName, type ImageRef } from '../domain/index.js';
import type { ImageDetails, PullAuth } from '../engine/index.js';
import type { Logger } from '../log/index.js';
import { imagesToRemove } from './rollback-points.js';
import type { UpdateDeps, UpdateRequest } from './update-types.js';

/**
 * Pulls exactly the checked digest and points the tag at it, so a tag that moved since the check
 * can never deploy an unchecked image.
 */
export async function pullChecked(
  deps: Pick<UpdateDeps, 'engine' | 'credentials'>,
  request: Pick<UpdateRequest, 'digest' | 'targetRef' | 'ref' | 'signal'>,
): Promise<ImageDetails> {
  const { engine } = deps;
  const { digest } = request;
  const ref = request.targetRef ?? request.ref;
  const name = familiarName(ref);
  const tagged = `${name}:${ref.tag ?? 'latest'}`;
  if (digest !== undefined) {
    const auth: PullAuth | undefined = await pullCredentialsFor(deps.credentials, ref, request.signal);
    await engine.pullImage(`${name}@${digest}`, auth, request.signal);
    await engine.tagImage(`${name}@${digest}`, name, ref.tag ?? 'latest');
  }
  const image = await engine.inspectImage(tagged);
  if (!image) throw new Error(`the image ${tagged} is not in the engine after the pull`);
  return image;
}

/**
 * The reference the new container is created with: the one it runs, or with a tag policy's new tag
 * in place of the old one, written as the user wrote it (`nginx:1.27` becomes `nginx:1.28`, not
 * `docker.io/library/nginx:1.28`).
 */
export function targetImage(current: string, ref: ImageRef, target: ImageRef | undefined): string {
  if (target?.tag === undefined || target.tag === ref.tag) return current;
  const suffix = `:${ref.tag ?? 'latest'}`;
  if (current.endsWith(suffix)) return `${current.slice(0, -suffix.length)}:${target.tag}`;
  // Written without a tag (`nginx` is `nginx:latest`).
  return `${current}:${target.tag}`;
}

/** --cleanup: removes previous images of this container beyond the last --keep-images. */
export async function removeOldImages(
  deps: Pick<UpdateDeps, 'engine' | 'history'>,
  request: Pick<UpdateRequest, 'details' | 'oldImage' | 'keepImages'>,
  current: string,
  log: Logger,
): Promise<void> {
  const earlier = (
    deps.history?.list({ container: request.details.name, outcome: 'committed', limit: 50 }).items ?? []
  )
    .map((record) => record.fromImageId)
    .filter((id): id is string => id !== null);
  // The history's newest entry is the update that just committed: its from-image is oldImage.
  for (const imageId of imagesToRemove([request.oldImage.id, ...earlier], current, request.keepImages)) {
    try {
      const removed = await deps.engine.removeImage(imageId);
      log.info({ imageId, removed }, removed ? 'removed an old image' : 'kept an old image: still in use');
    } catch (error) {
      log.warn({ imageId, reason: describeError(error) }, 'could not remove an old image');
    }
  }
}
