import { describeError } from '../domain/errors.js';
import { DOCKER_HUB, familiarName, type ContainerDetails, type ImageRef } from '../domain/index.js';
import type { Engine, ImageDetails, PullAuth } from '../engine/index.js';
import type { CredentialStore } from '../registry/index.js';
import type { Logger } from '../log/index.js';
import { buildRecreateSpec } from './recreate-spec.js';

export interface UpdateDeps {
  readonly engine: Engine;
  readonly credentials: CredentialStore;
  readonly logger: Logger;
}

export interface UpdateRequest {
  readonly details: ContainerDetails;
  readonly ref: ImageRef;
  readonly oldImage: ImageDetails;
  /** The digest that was checked; undefined with --no-pull (the local tag is the new image). */
  readonly digest: string | undefined;
  readonly stopTimeoutMs: number;
  readonly stopSignal: string | undefined;
  /** Start the new container even when the old one was not running. */
  readonly revive: boolean;
  readonly cleanup: boolean;
  readonly signal: AbortSignal;
}

export type UpdateOutcome =
  | { readonly kind: 'updated'; readonly newId: string; readonly newImageId: string }
  | { readonly kind: 'failed'; readonly reason: string };

/**
 * Pulls the checked digest, then swaps the container for one on the new image with the same
 * settings. Nothing is stopped or removed until the new image is present and the new container has
 * been created; any failure after that puts the original container back under its name.
 */
export async function updateContainer(deps: UpdateDeps, request: UpdateRequest): Promise<UpdateOutcome> {
  const { engine, logger } = deps;
  const { details, ref } = request;
  const log = logger.child({ container: details.name, image: details.config.Image });

  let newImage: ImageDetails | undefined;
  try {
    newImage = await pullChecked(deps, request);
  } catch (error) {
    return { kind: 'failed', reason: describeError(error) };
  }
  if (newImage.id === details.imageId) {
    return {
      kind: 'failed',
      reason: `the pulled image is the one the container already runs (${newImage.id})`,
    };
  }

  const spec = buildRecreateSpec(
    details,
    request.oldImage.defaults,
    details.config.Image ?? familiarName(ref),
  );
  const wasRunning = details.state === 'running' || details.state === 'restarting';
  const parkedName = `${details.name}-tidewatch-old-${Date.now().toString(36)}`;

  // Step 1: free the name while the old container keeps running; the new one is created beside it.
  try {
    await engine.renameContainer(details.id, parkedName);
  } catch (error) {
    return { kind: 'failed', reason: describeError(error) };
  }
  let newId: string | undefined;
  try {
    newId = await engine.createContainer(spec);
    for (const network of spec.extraNetworks)
      await engine.connectNetwork(network.name, newId, network.endpoint);
  } catch (error) {
    const reason = describeError(error);
    await restoreOriginal(deps, details, newId, false, log);
    log.error({ reason }, 'could not create the new container; the original is untouched');
    return { kind: 'failed', reason };
  }

  // Step 2: the swap. From here a failure restores and restarts the original.
  try {
    const timeoutSeconds = Math.ceil((details.config.StopTimeout ?? request.stopTimeoutMs / 1000) || 0);
    if (wasRunning) await engine.stopContainer(details.id, { timeoutSeconds, signal: request.stopSignal });
    if (wasRunning || request.revive) await engine.startContainer(newId);
  } catch (error) {
    const reason = describeError(error);
    await restoreOriginal(deps, details, newId, wasRunning, log);
    log.error({ reason }, 'the new container did not start; the original is back');
    return { kind: 'failed', reason };
  }

  try {
    await engine.removeContainer(details.id, { force: true });
  } catch (error) {
    log.warn(
      { reason: describeError(error), parkedName },
      'updated, but the old container could not be removed',
    );
  }
  if (request.cleanup) await removeOldImage(engine, request.oldImage.id, log);
  log.info({ from: details.imageId, to: newImage.id, newId }, 'updated');
  return { kind: 'updated', newId, newImageId: newImage.id };
}

/** Pulls exactly the checked digest and points the tag at it, so a tag that moved since the check can never deploy an unchecked image. */
async function pullChecked(deps: UpdateDeps, request: UpdateRequest): Promise<ImageDetails> {
  const { engine } = deps;
  const { ref, digest } = request;
  const name = familiarName(ref);
  const tagged = `${name}:${ref.tag ?? 'latest'}`;
  if (digest !== undefined) {
    const credentials = await deps.credentials.get(ref.registry, request.signal);
    const auth: PullAuth | undefined = credentials && {
      serverAddress: ref.registry === DOCKER_HUB ? 'https://index.docker.io/v1/' : ref.registry,
      username: credentials.username,
      password: credentials.password,
      identityToken: credentials.identityToken,
    };
    await engine.pullImage(`${name}@${digest}`, auth, request.signal);
    await engine.tagImage(`${name}@${digest}`, name, ref.tag ?? 'latest');
  }
  const image = await engine.inspectImage(tagged);
  if (!image) throw new Error(`the image ${tagged} is not in the engine after the pull`);
  return image;
}

/** Puts the original container back: the new one removed, the old one renamed back and restarted. */
async function restoreOriginal(
  deps: UpdateDeps,
  original: ContainerDetails,
  newId: string | undefined,
  restart: boolean,
  log: Logger,
): Promise<void> {
  try {
    if (newId !== undefined) await deps.engine.removeContainer(newId, { force: true });
    await deps.engine.renameContainer(original.id, original.name);
    if (restart) await deps.engine.startContainer(original.id);
  } catch (error) {
    // Never remove anything further here: the original still exists under its parked name.
    log.error(
      { reason: describeError(error), id: original.id },
      'could not fully restore the original container',
    );
  }
}

async function removeOldImage(engine: Engine, imageId: string, log: Logger): Promise<void> {
  try {
    const removed = await engine.removeImage(imageId);
    log.info({ imageId, removed }, removed ? 'removed the old image' : 'kept the old image: still in use');
  } catch (error) {
    log.warn({ imageId, reason: describeError(error) }, 'could not remove the old image');
  }
}
