import { describeError } from '../domain/errors.js';
import { parseImageRef } from '../domain/index.js';
import type { CycleReport } from '../domain/run.js';
import type { EventBus } from '../events/index.js';
import type { Logger } from '../log/index.js';
import { describeRef } from '../registry/index.js';
import type { RunQueue } from '../scheduler/index.js';
import { isFinished, type UpdateRecord } from '../store/index.js';
import type { ControllerLink } from './controller-link.js';
import type { FleetTargets } from './member-session.js';
import { FleetDigest, type FleetContainer, type FleetOutcome } from './protocol.js';

export interface MemberDeps {
  readonly link: ControllerLink;
  readonly targets: FleetTargets;
  /** The daemon's run queue: instructed updates are runs like any other, one at a time. */
  readonly runs: RunQueue<CycleReport>;
  /** A check-only cycle (no registry: the targets answer), for the report's containers. */
  readonly inspect: () => Promise<CycleReport>;
  readonly events: EventBus;
  readonly logger: Logger;
  readonly version: string;
  readonly wave: number;
}

const RETRY_MIN_MS = 1000;
const RETRY_MAX_MS = 30_000;
/** A refused connection (a revoked token, a wrong name) is retried this much later. */
const REFUSED_RETRY_MS = 60_000;

/**
 * A fleet member (`run --controller URL`): dials the controller and keeps one stream open,
 * reconnecting with backoff; takes the digests it is told as its registry's answers (FleetTargets)
 * and runs an update for them; reports its containers on connecting and after every run, with the
 * outcome of every update it finished (from the journal's events, whatever started the run).
 */
export function startFleetMember(deps: MemberDeps): { stop(): Promise<void> } {
  const stopping = new AbortController();
  const { signal } = stopping;
  let outcomes: FleetOutcome[] = [];
  const unsubscribe = deps.events.subscribe((event) => {
    if (event.type === 'update-step' && isFinished(event.update.state)) {
      const outcome = outcomeOf(event.update);
      if (outcome) outcomes.push(outcome);
    }
    // A run of its own (its schedule, the API, a webhook) may have changed what it runs: say so.
    // The member's own runs and inspections are `fleet` runs, reported already.
    if (event.type === 'check-finished' && event.trigger !== 'fleet') work(false);
  });

  let dirty = false;
  let applyWanted = false;
  let working: Promise<void> | undefined;
  /** Reports (after an update run for the targets when `apply`), one at a time, bursts merged. */
  const work = (apply: boolean): void => {
    dirty = true;
    applyWanted ||= apply;
    working ??= (async () => {
      while (dirty && !signal.aborted) {
        dirty = false;
        const applying = applyWanted;
        applyWanted = false;
        await applyAndReport(applying);
      }
    })().finally(() => {
      working = undefined;
    });
  };

  const applyAndReport = async (apply: boolean): Promise<void> => {
    try {
      const refs = deps.targets.refs();
      if (apply && refs.length > 0) await deps.runs.request({ trigger: 'fleet', images: refs });
      const inventory = await deps.inspect();
      const sent = outcomes;
      outcomes = [];
      try {
        await deps.link.report(
          { version: deps.version, wave: deps.wave, containers: containersOf(inventory), outcomes: sent },
          signal,
        );
      } catch (error) {
        outcomes = [...sent, ...outcomes];
        throw error;
      }
    } catch (error) {
      if (signal.aborted) return;
      deps.logger.warn(
        { reason: describeError(error) },
        'fleet report not sent; retried on the next change or connection',
      );
    }
  };

  const connection = (async () => {
    let delay = RETRY_MIN_MS;
    while (!signal.aborted) {
      const end = await deps.link.stream(
        (message) => {
          deps.logger.info({ targets: message.targets.length }, 'fleet targets received');
          deps.targets.set(message.targets);
          work(true);
        },
        () => {
          delay = RETRY_MIN_MS;
          deps.logger.info('connected to the fleet controller');
          work(true);
        },
        signal,
      );
      if (signal.aborted) break;
      const wait = end.kind === 'refused' ? REFUSED_RETRY_MS : delay;
      deps.logger.warn({ reason: end.reason, retryInMs: wait }, 'fleet controller connection ended');
      await new Promise((resolve) => setTimeout(resolve, wait).unref());
      delay = Math.min(delay * 2, RETRY_MAX_MS);
    }
  })();

  return {
    stop: async () => {
      stopping.abort();
      unsubscribe();
      await connection;
      await working;
    },
  };
}

function refOf(image: string): string | undefined {
  try {
    const ref = parseImageRef(image);
    return ref.digest === undefined ? describeRef(ref) : undefined;
  } catch {
    return undefined;
  }
}

function outcomeOf(update: UpdateRecord): FleetOutcome | undefined {
  const ref = refOf(update.image);
  const digest = FleetDigest.safeParse(update.toDigest);
  if (ref === undefined || !digest.success) return undefined;
  const action =
    update.state === 'committed' ? 'updated' : update.state === 'rolled-back' ? 'rolled-back' : 'failed';
  return {
    container: update.containerName,
    ref,
    digest: digest.data,
    action,
    reason: update.reason?.slice(0, 2000) ?? null,
    logs: update.logs?.slice(-20_000) ?? null,
  };
}

/** The report's containers: each checked one on a tag, with the digest it runs. */
function containersOf(report: CycleReport): FleetContainer[] {
  const containers: FleetContainer[] = [];
  for (const entry of report.entries) {
    if (entry.status === 'skipped') continue;
    const ref = refOf(entry.image);
    if (ref === undefined) continue;
    const digest = FleetDigest.safeParse(entry.currentDigest);
    containers.push({ name: entry.name, ref, digest: digest.success ? digest.data : null });
  }
  return containers;
}
