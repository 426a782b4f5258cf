import { describeError } from '../domain/errors.js';
import { familiarName, parseImageRef } from '../domain/index.js';
import { systemClock, systemSleep } from '../domain/clock.js';
import {
  pullChecked,
  targetImage,
  type UpdateResult,
  type UpdateRequest,
} from '../updater/update-container.js';
import { verifyContainer } from '../updater/verify.js';
import { runCompose } from './cli.js';
import { findImageFile, writeImage, type ImageEdit } from './compose-file.js';
import { COMPOSE_LABELS, type ComposeOrigin } from './labels.js';
import { projectOf } from './project.js';
import type { ComposeUpdateDeps } from './update-deps.js';

const LOG_LINES = 50;

/**
 * A tag move of a compose service, owned by compose: pull the checked digest and point the new tag
 * at it, write the new tag into the compose file (only that scalar changes), then
 * `compose up -d --no-deps SERVICE`. The new container is verified as any other; when it fails,
 * the file is restored and `up -d` runs again, which puts the service back on the old tag.
 *
 * Journal (stop-first steps, as compose stops the old container before it starts the new one):
 * planned → pulled → old-renamed (the file is written, compose replaces the container) →
 * new-created / new-started (compose's container) → verifying → committed | rolled-back.
 */
export async function writeBackUpdate(
  deps: ComposeUpdateDeps,
  request: UpdateRequest,
  origin: ComposeOrigin,
): Promise<UpdateResult> {
  const { details, ref } = request;
  const toTag = request.targetRef?.tag ?? ref.tag ?? 'latest';
  const log = deps.logger.child({
    container: details.name,
    project: origin.project,
    service: origin.service,
  });
  const journal = deps.journal;
  const id = journal?.plan({
    containerName: details.name,
    containerId: details.id,
    image: details.config.Image ?? familiarName(ref),
    trigger: request.trigger,
    strategy: 'stop-first',
    fromDigest: request.currentDigest,
    toDigest: request.digest,
    fromImageId: details.imageId,
    fromTag: ref.tag,
    toTag,
    wasRunning: details.state === 'running' || details.state === 'restarting',
  });
  const step = (
    state: 'pulled' | 'old-renamed' | 'new-created' | 'new-started' | 'verifying',
    patch = {},
  ): void => {
    if (journal && id !== undefined) journal.advance(id, state, patch);
    deps.afterJournal?.(state);
  };
  const finish = (outcome: 'committed' | 'rolled-back' | 'failed', reason?: string, logs?: string): void => {
    if (journal && id !== undefined) {
      journal.finish(id, outcome, { ...(reason !== undefined ? { reason } : {}), ...(logs ? { logs } : {}) });
    }
  };
  const fail = (reason: string): UpdateResult => {
    finish('failed', reason);
    return { kind: 'failed', reason };
  };

  let toImageId: string;
  try {
    toImageId = (await pullChecked(deps, request)).id;
  } catch (error) {
    return fail(describeError(error));
  }
  const proceed = (await request.beforeChange?.()) ?? { go: true };
  if (!proceed.go) return proceed.skip ? { kind: 'skipped', reason: proceed.reason } : fail(proceed.reason);
  step('pulled', { toImageId });

  const project = projectOf(origin);
  const options = { dockerHost: deps.settings.host, signal: request.signal };
  let edit: ImageEdit;
  try {
    const found = findImageFile(origin.configFiles, origin.service);
    if (!found) return fail(`no compose file of ${origin.project} sets an image for ${origin.service}`);
    edit = writeImage(found.file, origin.service, (current) =>
      targetImage(current, parseImageRef(current), request.targetRef),
    );
  } catch (error) {
    return fail(describeError(error));
  }
  step('old-renamed');
  log.info({ file: edit.file, from: edit.from, to: edit.to }, 'wrote the new tag into the compose file');

  const rollBack = async (reason: string, logs?: string): Promise<UpdateResult> => {
    edit.restore();
    try {
      await runCompose(project, ['up', '-d', '--no-deps', origin.service], options);
    } catch (error) {
      const why = `${reason}; restoring through compose failed too: ${describeError(error)}`;
      finish('failed', why, logs);
      return { kind: 'failed', reason: why };
    }
    finish('rolled-back', reason, logs);
    return { kind: 'rolled-back', reason };
  };

  try {
    await runCompose(project, ['up', '-d', '--no-deps', origin.service], options);
  } catch (error) {
    return rollBack(`compose up failed: ${describeError(error)}`);
  }
  const newId = await serviceContainer(deps, origin, details.id);
  if (newId === undefined) return rollBack(`compose started no container for ${origin.service}`);
  step('new-created', { newContainerId: newId });
  step('new-started');

  if (request.verify) {
    step('verifying');
    const verdict = await verifyContainer(
      { engine: deps.engine, now: systemClock, sleep: systemSleep },
      newId,
      request.verify,
      request.signal,
    );
    if (!verdict.ok) {
      const logs = await deps.engine.containerLogs(newId, LOG_LINES).catch(() => '');
      if (request.digest !== undefined)
        deps.badDigests?.remember(details.name, request.digest, verdict.reason);
      log.warn({ reason: verdict.reason }, 'compose service failed verification; restoring the compose file');
      return rollBack(verdict.reason, logs);
    }
  } else step('verifying');
  finish('committed');
  log.info({ from: edit.from, to: edit.to, newId }, 'updated through compose');
  return { kind: 'updated', newId, newImageId: toImageId };
}

/** The service's container after `up`: compose may have given it another id, and (v2) another name. */
async function serviceContainer(
  deps: ComposeUpdateDeps,
  origin: ComposeOrigin,
  oldId: string,
): Promise<string | undefined> {
  const rows = await deps.engine.listContainers({ all: true });
  const mine = rows.filter(
    (row) =>
      row.labels[COMPOSE_LABELS.project] === origin.project &&
      row.labels[COMPOSE_LABELS.service] === origin.service &&
      row.labels[COMPOSE_LABELS.oneoff] !== 'True',
  );
  return (mine.find((row) => row.id !== oldId) ?? mine[0])?.id;
}
