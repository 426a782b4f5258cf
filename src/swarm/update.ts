import { describeError } from '../domain/errors.js';
import type { ImageRef } from '../domain/index.js';
import type { PullAuth } from '../engine/index.js';
import type { Logger } from '../log/index.js';
import { pullCredentialsFor, type CredentialStore } from '../registry/index.js';
import type { BadDigests, Journal, UpdateRecord, UpdateTrigger } from '../store/index.js';
import { followUpdate, type FollowDeps } from './follow.js';
import { recordAccepted, recordOutcome, type AfterJournal } from './journal.js';
import { finishDetails, verdictOf } from './outcome.js';
import {
  effectiveUpdateConfig,
  pinnedImage,
  specWithImage,
  strategyOf,
  withoutDigest,
  type SwarmUpdateDefaults,
} from './service-spec.js';
import type { ServiceDetails } from './types.js';

export interface ServiceUpdateDeps extends FollowDeps {
  readonly credentials: CredentialStore;
  readonly logger: Logger;
  /** The journal and history; an update without a store is made but not recorded. */
  readonly journal?: Journal | undefined;
  readonly badDigests?: BadDigests | undefined;
  readonly afterJournal?: AfterJournal;
  readonly defaults: SwarmUpdateDefaults;
  /** How long Tidewatch follows one update (--swarm-timeout). */
  readonly timeoutMs: number;
}

export interface ServiceUpdateRequest {
  /** `service:NAME`, as history names it. */
  readonly subject: string;
  /** The service as checked: its id, its spec's version, its reference. */
  readonly service: ServiceDetails;
  readonly ref: ImageRef;
  /** The tag a tag policy moves it to; undefined: it stays on its own tag. */
  readonly target?: ImageRef | undefined;
  /** The digest the tag points at now: exactly what the update pins. */
  readonly digest: string;
  readonly trigger: UpdateTrigger;
  readonly signal: AbortSignal;
  readonly shouldStop?: (() => boolean) | undefined;
}

export type ServiceOutcome =
  | { readonly kind: 'updated' }
  | { readonly kind: 'rolled-back' | 'failed' | 'detached'; readonly reason: string };

/**
 * Updates a service to `repo:tag@digest` (the tag its policy moves it to, or its own) with a service update, and follows the swarm's rolling
 * update to its end. The swarm does the work on every node (pull, start, monitor, roll back); the
 * manager gets the registry credentials so that every node can pull. Never throws for an outcome.
 */
export async function updateService(
  deps: ServiceUpdateDeps,
  request: ServiceUpdateRequest,
): Promise<ServiceOutcome> {
  const { subject, ref, digest } = request;
  const log = deps.logger.child({ service: subject, to: digest });
  // Re-read: its version must be the latest, or the manager refuses the update as out of sequence.
  const service = await deps.swarm.inspectService(request.service.id);
  if (service === undefined) return { kind: 'failed', reason: 'the service disappeared during the cycle' };
  const image = pinnedImage(service.image, ref, digest, request.target?.tag);
  const updateConfig = effectiveUpdateConfig(service.updateConfig, deps.defaults);
  const { journal } = deps;
  const planned = journal && plan(journal, deps.afterJournal, request, service, strategyOf(updateConfig));

  try {
    const auth = await pullAuth(deps.credentials, ref, request.signal);
    const spec = specWithImage(service.spec, image, updateConfig);
    const warnings = await deps.swarm.updateService(service.id, service.version, spec, auth, request.signal);
    for (const warning of warnings) log.warn({ warning }, 'the swarm manager warned about the update');
  } catch (error) {
    const reason = `the service update was not accepted: ${describeError(error)}`;
    if (journal && planned) recordOutcome(journal, planned, 'failed', { reason }, deps.afterJournal);
    log.error({ reason }, 'update failed');
    return { kind: 'failed', reason };
  }
  log.info(
    { image, order: updateConfig.Order, failureAction: updateConfig.FailureAction },
    'service update sent',
  );
  const accepted = journal && planned && recordAccepted(journal, planned, deps.afterJournal);

  const previous = service.updateStatus?.startedAt;
  const result = await followUpdate(deps, {
    serviceId: service.id,
    image,
    timeoutMs: deps.timeoutMs,
    // The status a service had before this update must not be read as this update's.
    isOurs: (status) => previous === undefined || status.startedAt !== previous,
    signal: request.signal,
    shouldStop: request.shouldStop,
  });
  if (result.kind === 'detached') {
    return {
      kind: 'detached',
      reason:
        'Tidewatch is stopping: the swarm goes on with the update, and the next start records how it ended',
    };
  }
  const verdict = await verdictOf(deps.swarm, result, {
    serviceId: service.id,
    image,
    timeoutMs: deps.timeoutMs,
  });
  if (journal && accepted)
    recordOutcome(journal, accepted, verdict.outcome, finishDetails(verdict), deps.afterJournal);
  switch (verdict.outcome) {
    case 'committed':
      log.info({ image }, 'service updated');
      return { kind: 'updated' };
    case 'rolled-back':
      // As for containers: this digest is not tried again until the tag moves or `forget`.
      deps.badDigests?.remember(subject, digest, verdict.reason ?? 'rolled back by the swarm');
      log.warn({ reason: verdict.reason }, 'the swarm rolled the service back');
      return { kind: 'rolled-back', reason: verdict.reason ?? 'rolled back by the swarm' };
    case 'failed':
      log.error({ reason: verdict.reason }, 'service update failed');
      return { kind: 'failed', reason: verdict.reason ?? 'failed' };
  }
}

function plan(
  journal: Journal,
  afterJournal: AfterJournal,
  request: ServiceUpdateRequest,
  service: ServiceDetails,
  strategy: UpdateRecord['strategy'],
): UpdateRecord | undefined {
  const id = journal.plan({
    containerName: request.subject,
    containerId: service.id,
    image: withoutDigest(service.image),
    trigger: request.trigger,
    strategy,
    fromDigest: request.ref.digest,
    toDigest: request.digest,
    fromTag: request.ref.tag,
    toTag: request.target?.tag ?? request.ref.tag,
  });
  afterJournal?.('planned');
  return journal.get(id);
}

/** The credentials the manager hands to every node that pulls, as for a container's pull. */
function pullAuth(
  credentials: CredentialStore,
  ref: ImageRef,
  signal: AbortSignal,
): Promise<PullAuth | undefined> {
  return pullCredentialsFor(credentials, ref, signal);
}
