import type { CreateSpec } from '../domain/index.js';
import { describeError } from '../domain/errors.js';
import { updateContainer, type UpdateResult, type UpdateRequest } from '../updater/update-container.js';
import { runCompose } from './cli.js';
import { COMPOSE_LABELS, readComposeOrigin, type ComposeOrigin } from './labels.js';
import { projectOf, reachability } from './project.js';
import { writeBackUpdate } from './write-back.js';
import type { ComposeUpdateDeps } from './update-deps.js';

export type { ComposeUpdateDeps };

/**
 * Updates a container, compose-aware. A container compose did not create goes through the engine
 * as usual. For a compose service:
 * - a tag move with write-back on and its files reachable: the new tag is written into the compose
 *   file and compose recreates the service (see write-back.ts), so compose stays the owner;
 * - a digest move: the engine-level recreate keeps every compose label and refreshes
 *   `com.docker.compose.config-hash` with the hash compose computes for the new image, so a later
 *   `compose up -d` of the unchanged project finds nothing to do;
 * - otherwise (files not reachable): the engine-level recreate, labels kept as they are.
 */
export async function updateComposeAware(
  deps: ComposeUpdateDeps,
  request: UpdateRequest,
): Promise<UpdateResult> {
  const origin = readComposeOrigin(request.details.config.Labels ?? {});
  if (!origin) return updateContainer(deps, request);
  const reachable = reachability(origin);
  const log = deps.logger.child({
    container: request.details.name,
    project: origin.project,
    service: origin.service,
  });
  if (isTagMove(request) && (origin.writeBack ?? deps.settings.composeWriteBack)) {
    if (reachable.ok) return writeBackUpdate(deps, request, origin);
    log.warn({ reason: reachable.reason }, 'compose write-back not possible; recreating through the engine');
    return updateContainer(deps, request);
  }
  if (!isTagMove(request) && reachable.ok) {
    return updateContainer(deps, {
      ...request,
      prepareSpec: (spec) => refreshConfigHash(deps, origin, spec),
    });
  }
  return updateContainer(deps, request);
}

export function isTagMove(request: Pick<UpdateRequest, 'ref' | 'targetRef'>): boolean {
  return request.targetRef?.tag !== undefined && request.targetRef.tag !== request.ref.tag;
}

/**
 * Compose v1 hashes the image id into the config hash (v2 does not): after the tag moved to a new
 * image, only the hash compose itself computes now (`config --hash`) keeps `up -d` from
 * recreating the container. A hash that cannot be computed leaves the old one: compose then
 * recreates the container on the same image at its next `up`, which is harmless.
 */
async function refreshConfigHash(
  deps: ComposeUpdateDeps,
  origin: ComposeOrigin,
  spec: CreateSpec,
): Promise<CreateSpec> {
  try {
    const { stdout } = await runCompose(projectOf(origin), ['config', `--hash=${origin.service}`], {
      dockerHost: deps.settings.host,
      timeoutMs: 60_000,
    });
    const hash = stdout
      .split('\n')
      .map((line) => line.trim().split(/\s+/))
      .find(([service]) => service === origin.service)?.[1];
    if (hash === undefined || !/^[0-9a-f]{16,}$/.test(hash)) return spec;
    return {
      ...spec,
      config: { ...spec.config, Labels: { ...spec.config.Labels, [COMPOSE_LABELS.configHash]: hash } },
    };
  } catch (error) {
    deps.logger.warn(
      { container: spec.name, project: origin.project, reason: describeError(error) },
      'compose config hash not refreshed; the next compose up will recreate the container',
    );
    return spec;
  }
}
