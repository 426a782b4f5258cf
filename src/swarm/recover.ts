import { describeError } from '../domain/errors.js';
import { parseImageRef } from '../domain/index.js';
import type { Logger } from '../log/index.js';
import type { BadDigests, Journal, UpdateRecord } from '../store/index.js';
import { followUpdate, type FollowDeps } from './follow.js';
import { recordAccepted, recordOutcome, type AfterJournal } from './journal.js';
import { finishDetails, verdictOf, type ServiceVerdict } from './outcome.js';
import { isServiceSubject } from './select.js';
import { pinnedImage } from './service-spec.js';

export interface ServiceRecoveryDeps extends FollowDeps {
  readonly journal: Journal;
  readonly badDigests?: BadDigests | undefined;
  readonly logger: Logger;
  readonly afterJournal?: AfterJournal;
  readonly timeoutMs: number;
}

/**
 * A manager's clock and Tidewatch's may differ a little; an UpdateStatus that started more than
 * this before the record was planned belongs to an earlier update.
 */
const CLOCK_SKEW_MS = 60_000;

/** The service updates a killed Tidewatch left in the journal (container recovery leaves them alone). */
export function unfinishedServiceUpdates(journal: Journal): UpdateRecord[] {
  return journal.unfinished().filter((record) => isServiceSubject(record.containerName));
}

/**
 * Finishes the service updates a killed Tidewatch was following. The swarm went on without it, so
 * its UpdateStatus says how each ended; one still rolling is followed again (up to --swarm-timeout).
 * One planned but never sent (the service does not pin its digest) failed before any change.
 */
export async function recoverServiceUpdates(deps: ServiceRecoveryDeps): Promise<void> {
  for (const record of unfinishedServiceUpdates(deps.journal)) {
    const log = deps.logger.child({ service: record.containerName, update: record.id, step: record.state });
    let verdict: ServiceVerdict;
    try {
      verdict = await recoverOne(deps, record);
    } catch (error) {
      verdict = { outcome: 'failed', reason: `recovery failed: ${describeError(error)}`, logs: undefined };
    }
    const interrupted = `Tidewatch stopped during the update (at ${record.state})`;
    const reason =
      verdict.reason === undefined
        ? `${interrupted}; the swarm completed it`
        : `${interrupted}; ${verdict.reason}`;
    try {
      const current = deps.journal.get(record.id) ?? record;
      recordOutcome(
        deps.journal,
        current,
        verdict.outcome,
        finishDetails({ ...verdict, reason }),
        deps.afterJournal,
      );
      if (verdict.outcome === 'rolled-back' && record.toDigest !== null) {
        deps.badDigests?.remember(record.containerName, record.toDigest, reason);
      }
    } catch (error) {
      log.error({ reason: describeError(error) }, 'could not record the recovery');
    }
    log.warn({ outcome: verdict.outcome, reason }, 'recovered an interrupted service update');
  }
}

async function recoverOne(deps: ServiceRecoveryDeps, record: UpdateRecord): Promise<ServiceVerdict> {
  const service = await deps.swarm.inspectService(record.containerId);
  if (service === undefined) return { outcome: 'failed', reason: 'the service is gone', logs: undefined };
  if (record.toDigest === null)
    return { outcome: 'failed', reason: 'the journal names no target digest', logs: undefined };
  const image = pinnedImage(record.image, parseImageRef(record.image), record.toDigest);
  const sent = record.state !== 'planned' || service.image === image;
  if (!sent)
    return { outcome: 'failed', reason: 'the update was never sent, nothing changed', logs: undefined };
  if (record.state === 'planned') recordAccepted(deps.journal, record, deps.afterJournal);
  const result = await followUpdate(deps, {
    serviceId: service.id,
    image,
    timeoutMs: deps.timeoutMs,
    isOurs: (status) => {
      const started = status.startedAt === undefined ? Number.NaN : Date.parse(status.startedAt);
      return Number.isNaN(started) || started >= record.startedAt - CLOCK_SKEW_MS;
    },
    signal: new AbortController().signal,
  });
  // Not asked to stop: followUpdate only detaches when shouldStop says so.
  if (result.kind === 'detached')
    return { outcome: 'failed', reason: 'not followed to its end', logs: undefined };
  return verdictOf(deps.swarm, result, { serviceId: service.id, image, timeoutMs: deps.timeoutMs });
}

/**
 * Service updates left unfinished when services are not followed any more (--swarm off, or the
 * engine is no longer a manager): recorded as failed, so history does not show them in flight forever.
 */
export function abandonServiceUpdates(journal: Journal, logger: Logger, why: string): void {
  for (const record of unfinishedServiceUpdates(journal)) {
    const reason = `Tidewatch stopped during the update (at ${record.state}) and cannot follow it again: ${why}; its outcome is unknown`;
    try {
      journal.finish(record.id, 'failed', { reason });
    } catch (error) {
      logger.error(
        { service: record.containerName, reason: describeError(error) },
        'could not record the recovery',
      );
      continue;
    }
    logger.warn(
      { service: record.containerName, update: record.id, reason },
      'gave up an interrupted service update',
    );
  }
}
