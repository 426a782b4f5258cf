import { describeError } from '../domain/errors.js';
import { DOCKER_HUB, familiarName, type ContainerDetails, type ImageRef } from '../domain/index.js';
import type { Engine, ImageDetails, PullAuth } from '../engine/index.js';
import type { CredentialStore } from '../registry/index.js';
import type { Logger } from '../log/index.js';
import { buildRecreateSpec } from './recreate-spec.js';
import { swapContainer } from './swap.js';

export interface UpdateDeps {
  readonly engine: Engine;
  readonly credentials: CredentialStore;
  readonly logger: Logger;
}

/** A reason not to go on, decided after the pull and before anything changes (a pre-update hook). */
export type Proceed =
  { readonly go: true } | { readonly go: false; readonly skip: boolean; readonly reason: string };

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
  readonly beforeChange?: () => Promise<Proceed>;
  /** Runs just before the old container stops, after the new one exists (dependents stop here). */
  readonly beforeStop?: () => Promise<void>;
}

export type UpdateOutcome =
  | { readonly kind: 'updated'; readonly newId: string; readonly newImageId: string }
  | { readonly kind: 'skipped'; readonly reason: string }
  | { readonly kind: 'failed'; readonly reason: string };

/**
 * Pulls the checked digest, then swaps the container for one on the new image with the same
 * settings. Nothing is stopped or removed until the new image is present and the new container has
 * been created; any failure after that puts the original container back under its name.
 */
export async function updateContainer(deps: UpdateDeps, request: UpdateRequest): Promise<UpdateOutcome> {
  const { details, ref } = request;
  let newImage: ImageDetails;
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
  const proceed = (await request.beforeChange?.()) ?? { go: true };
  if (!proceed.go) return { kind: proceed.skip ? 'skipped' : 'failed', reason: proceed.reason };

  const spec = buildRecreateSpec(
    details,
    request.oldImage.defaults,
    details.config.Image ?? familiarName(ref),
    deps.engine.apiVersion,
  );
  const wasRunning = details.state === 'running' || details.state === 'restarting';
  const outcome = await swapContainer(deps, {
    original: details,
    spec,
    start: wasRunning || request.revive,
    stopTimeoutSeconds: Math.ceil(details.config.StopTimeout ?? request.stopTimeoutMs / 1000),
    stopSignal: request.stopSignal,
    ...(request.beforeStop ? { beforeStop: request.beforeStop } : {}),
  });
  if (outcome.kind !== 'swapped') return { kind: 'failed', reason: outcome.reason };

  const log = deps.logger.child({ container: details.name, image: details.config.Image });
  if (request.cleanup) await removeOldImage(deps.engine, request.oldImage.id, log);
  log.info({ from: details.imageId, to: newImage.id, newId: outcome.newId }, 'updated');
  return { kind: 'updated', newId: outcome.newId, newImageId: newImage.id };
}

/**
 * Pulls exactly the checked digest and points the tag at it, so a tag that moved since the check
 * can never deploy an unchecked image.
 */
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

async function removeOldImage(engine: Engine, imageId: string, log: Logger): Promise<void> {
  try {
    const removed = await engine.removeImage(imageId);
    log.info({ imageId, removed }, removed ? 'removed the old image' : 'kept the old image: still in use');
  } catch (error) {
    log.warn({ imageId, reason: describeError(error) }, 'could not remove the old image');
  }
}
