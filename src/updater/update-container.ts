import { describeError } from '../domain/errors.js';
import {
  DOCKER_HUB,
  familiarName,
  type ContainerDetails,
  type CreateSpec,
  type ImageRef,
} from '../domain/index.js';
import type { Engine, ImageDetails, PullAuth } from '../engine/index.js';
import type { CredentialStore } from '../registry/index.js';
import type { Logger } from '../log/index.js';
import type { BadDigests, History, Journal, UpdateStrategy, UpdateTrigger } from '../store/index.js';
import type { Strategy } from '../config/index.js';
import { imagesToRemove } from './rollback-points.js';
import { systemClock, systemSleep } from '../domain/clock.js';
import { buildRecreateSpec } from './recreate-spec.js';
import { chooseStrategy } from './choose-strategy.js';
import { startFirstSwap } from './start-first.js';
import { parkedNameFor, swapContainer, type SwapStep } from './swap.js';
import { verifyContainer, type VerifyPolicy } from './verify.js';

export interface UpdateDeps {
  readonly engine: Engine;
  readonly credentials: CredentialStore;
  readonly logger: Logger;
  /** Where each step is recorded before it is taken; absent only where nothing is kept (tests). */
  readonly journal?: Journal | undefined;
  readonly badDigests?: BadDigests | undefined;
  /** Earlier updates, to know which previous images are rollback points. */
  readonly history?: History | undefined;
  /** Test-only: called after each journal write, to kill the process at a named step. */
  readonly afterJournal?: ((step: string) => void) | undefined;
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
  /** With cleanup: previous images kept per container as rollback points. */
  readonly keepImages: number;
  readonly signal: AbortSignal;
  readonly beforeChange?: () => Promise<Proceed>;
  /** Runs just before the old container stops, after the new one exists (dependents stop here). */
  readonly beforeStop?: () => Promise<void>;
  readonly trigger: UpdateTrigger;
  /** The digest the container runs now, for the history. */
  readonly currentDigest?: string | undefined;
  /** How the new container proves itself; without it, starting is enough. */
  readonly verify?: VerifyPolicy | undefined;
  /** The strategy asked for (label, else --strategy); auto is resolved here. */
  readonly strategy?: Strategy | undefined;
  /** start-first: time the original stays up, out of DNS, after the new one is verified. */
  readonly drainMs?: number | undefined;
  /** Other containers are bound to this one: start-first cannot be used. */
  readonly hasDependents?: boolean | undefined;
  /** A tag policy chose another tag: the container is recreated on it (`ref` is the tag it runs). */
  readonly targetRef?: ImageRef | undefined;
  /** Adjusts the new container's spec after the pull (compose: refresh its config-hash label). */
  readonly prepareSpec?: ((spec: CreateSpec) => Promise<CreateSpec>) | undefined;
}

export type UpdateOutcome =
  | { readonly kind: 'updated'; readonly newId: string; readonly newImageId: string }
  | { readonly kind: 'skipped'; readonly reason: string }
  | { readonly kind: 'rolled-back'; readonly reason: string }
  | { readonly kind: 'failed'; readonly reason: string };

/**
 * Pulls the checked digest, then swaps the container for one on the new image with the same
 * settings. Nothing is stopped or removed until the new image is present and the new container has
 * been created; any failure after that puts the original container back under its name.
 */
export async function updateContainer(deps: UpdateDeps, request: UpdateRequest): Promise<UpdateOutcome> {
  const { details, ref } = request;
  const choice = chooseStrategy(request.strategy ?? 'stop-first', details, request.hasDependents ?? false);
  if ('error' in choice) return { kind: 'failed', reason: choice.error };
  const parkedName = parkedNameFor(details.name);
  const journal = openJournal(deps, request, parkedName, choice.strategy);

  let newImage: ImageDetails;
  try {
    newImage = await pullChecked(deps, request);
  } catch (error) {
    return journal.fail(describeError(error));
  }
  if (newImage.id === details.imageId) {
    return journal.fail(`the pulled image is the one the container already runs (${newImage.id})`);
  }
  const proceed = (await request.beforeChange?.()) ?? { go: true };
  if (!proceed.go) {
    // A hook that says "not now" is not an update that happened: it leaves no history row.
    return proceed.skip ? journal.drop(proceed.reason) : journal.fail(proceed.reason);
  }
  journal.step('pulled', { toImageId: newImage.id });

  const built = buildRecreateSpec(
    details,
    request.oldImage.defaults,
    targetImage(details.config.Image ?? familiarName(ref), ref, request.targetRef),
    deps.engine.apiVersion,
  );
  const spec = request.prepareSpec ? await request.prepareSpec(built) : built;
  const wasRunning = details.state === 'running' || details.state === 'restarting';
  const policy = request.verify;
  const common = {
    original: details,
    spec,
    stopTimeoutSeconds: Math.ceil(details.config.StopTimeout ?? request.stopTimeoutMs / 1000),
    stopSignal: request.stopSignal,
    parkedName,
    record: (step: SwapStep, newContainerId?: string) =>
      journal.step(step, newContainerId ? { newContainerId } : {}),
    ...(request.beforeStop ? { beforeStop: request.beforeStop } : {}),
    ...(policy
      ? {
          verify: (newId: string) =>
            verifyContainer(
              { engine: deps.engine, now: systemClock, sleep: systemSleep },
              newId,
              policy,
              request.signal,
            ),
        }
      : {}),
  };
  // start-first needs a running original to stand beside; a stopped one is simply replaced.
  const outcome =
    choice.strategy === 'start-first' && wasRunning
      ? await startFirstSwap(deps, { ...common, drainMs: request.drainMs ?? 0, sleep: systemSleep })
      : await swapContainer(deps, { ...common, start: wasRunning || request.revive });

  const log = deps.logger.child({ container: details.name, image: details.config.Image });
  switch (outcome.kind) {
    case 'failed':
      return journal.fail(outcome.reason);
    case 'rolled-back':
      // A digest that failed verification is remembered and not tried again until another one
      // appears. A start that failed may be the host's fault (a port taken), so it is not.
      if (outcome.verified && request.digest !== undefined) {
        deps.badDigests?.remember(details.name, request.digest, outcome.reason);
      }
      journal.finish('rolled-back', outcome.reason, outcome.logs);
      return { kind: 'rolled-back', reason: outcome.reason };
    case 'swapped':
      journal.finish('committed');
      if (request.cleanup) await removeOldImages(deps, request, newImage.id, log);
      log.info({ from: details.imageId, to: newImage.id, newId: outcome.newId }, 'updated');
      return { kind: 'updated', newId: outcome.newId, newImageId: newImage.id };
  }
}

interface OpenJournal {
  step(state: 'pulled' | SwapStep, patch: { newContainerId?: string; toImageId?: string }): void;
  finish(outcome: 'committed' | 'rolled-back' | 'failed', reason?: string, logs?: string): void;
  /** Records a failure and returns it as the outcome. */
  fail(reason: string): UpdateOutcome;
  /** The update did not happen (skipped by a hook): returns the skip. */
  drop(reason: string): UpdateOutcome;
}

/**
 * The update's journal entry. It is planned at the first step recorded (or failure), with the
 * parked name already chosen, so recovery can find the original container whatever step a crash
 * interrupts; an update a hook skipped never happened and leaves no row.
 */
function openJournal(
  deps: UpdateDeps,
  request: UpdateRequest,
  parkedName: string,
  strategy: UpdateStrategy,
): OpenJournal {
  const { journal } = deps;
  const { details, ref } = request;
  let id: number | undefined;
  const planned = (): number | undefined => {
    if (id === undefined && journal) {
      id = journal.plan({
        containerName: details.name,
        containerId: details.id,
        image: details.config.Image ?? familiarName(ref),
        trigger: request.trigger,
        strategy,
        fromDigest: request.currentDigest,
        toDigest: request.digest,
        fromImageId: details.imageId,
        fromTag: ref.tag,
        toTag: (request.targetRef ?? ref).tag,
        parkedName,
        wasRunning: details.state === 'running' || details.state === 'restarting',
      });
      deps.afterJournal?.('planned');
    }
    return id;
  };
  const finish = (outcome: 'committed' | 'rolled-back' | 'failed', reason?: string, logs?: string): void => {
    const entry = planned();
    if (journal && entry !== undefined) {
      journal.finish(entry, outcome, {
        ...(reason !== undefined ? { reason } : {}),
        ...(logs ? { logs } : {}),
      });
    }
  };
  return {
    step(state, patch) {
      const entry = planned();
      if (journal && entry !== undefined) journal.advance(entry, state, patch);
      deps.afterJournal?.(state);
    },
    finish,
    fail(reason) {
      finish('failed', reason);
      return { kind: 'failed', reason };
    },
    drop: (reason) => ({ kind: 'skipped', reason }),
  };
}

/**
 * Pulls exactly the checked digest and points the tag at it, so a tag that moved since the check
 * can never deploy an unchecked image.
 */
export async function pullChecked(deps: UpdateDeps, request: UpdateRequest): Promise<ImageDetails> {
  const { engine } = deps;
  const { digest } = request;
  const ref = request.targetRef ?? request.ref;
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
async function removeOldImages(
  deps: UpdateDeps,
  request: UpdateRequest,
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
