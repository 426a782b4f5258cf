import { describeError } from '../domain/errors.js';
import type { Clock } from '../domain/clock.js';
import type { EventBus, TidewatchEvent } from '../events/index.js';
import type { Logger } from '../log/index.js';
import {
  isFinished,
  type AnnouncementKind,
  type Announced,
  type Outbox,
  type OutboxInput,
} from '../store/index.js';
import type { NotifyConfig } from './config.js';
import { outboxRows, type Notice } from './compose.js';
import { factsOfCheck, factsOfUpdate, linkFacts, linksOf, shortId } from './facts.js';
import { buildReport } from './report.js';
import type { Target } from './targets.js';
import type { ContainerFacts, Level } from './types.js';

export interface NotifierDeps {
  readonly config: NotifyConfig;
  readonly targets: readonly Target[];
  readonly outbox: Outbox;
  readonly announced: Announced;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Called after messages were queued: wakes the dispatcher. */
  readonly queued: () => void;
}

/** "Said once per container and digest": a notice is queued only if its claim is new. */
interface Claim {
  readonly container: string;
  readonly kind: AnnouncementKind;
  readonly digest: string;
}

export interface Pending {
  readonly notice: Notice;
  readonly claim?: Claim | undefined;
}

/** What one run (check-started … check-finished) has seen so far. */
class Run {
  /** Each container as the check saw it: skips and approvals borrow its current digest. */
  readonly checked = new Map<string, ContainerFacts>();
  /** Updates available that nothing happened to yet: said at the end of the run. */
  readonly available = new Map<string, ContainerFacts>();
  /** Report mode: what the run's report will say. */
  readonly collected: Pending[] = [];
  readonly unchecked: ContainerFacts[] = [];
}

const OUTCOME = {
  committed: { kind: 'updated', level: 'info' },
  'rolled-back': { kind: 'rolled-back', level: 'warn' },
  failed: { kind: 'failed', level: 'error' },
} as const;

/**
 * Turns events into messages in the outbox. An available update is held until the end of its run:
 * when the same run updates (or skips) the container, only the outcome is said. Each "available"
 * and "skipped" is claimed in the store, in the same transaction as its message is queued, so it
 * is said once per container and digest, across runs and restarts.
 */
export class Notifier {
  private run: Run | undefined;
  private readonly stateTargets: boolean;

  constructor(private readonly deps: NotifierDeps) {
    this.stateTargets = deps.targets.some((target) => target.channel.receivesState);
  }

  attach(bus: EventBus): () => void {
    return bus.subscribe((event) => this.handle(event));
  }

  handle(event: TidewatchEvent): void {
    try {
      this.dispatch(event);
    } catch (error) {
      // A notification problem never stops an update; the store keeps the history regardless.
      this.deps.logger.error(
        { event: event.type, reason: describeError(error) },
        'could not queue a notification',
      );
    }
  }

  private dispatch(event: TidewatchEvent): void {
    const now = this.deps.clock();
    switch (event.type) {
      case 'check-started':
        this.run = new Run();
        return;
      case 'container-checked': {
        const facts = factsOfCheck(event);
        this.run?.checked.set(event.container, facts);
        if (event.status === 'update-available' && event.latestDigest !== undefined) {
          if (this.run) this.run.available.set(event.container, facts);
          else this.say(this.availableNotice(facts, now));
        } else if (event.status === 'current' && event.currentDigest !== undefined && this.stateTargets) {
          // Home Assistant learns each container once per digest, not at every check.
          const claim = { container: event.container, kind: 'current', digest: event.currentDigest } as const;
          this.queue([{ notice: this.notice('state', 'debug', now, facts), claim }]);
        } else if (event.status === 'unknown') {
          this.run?.unchecked.push(facts);
        }
        return;
      }
      case 'update-step': {
        const record = event.update;
        this.supersede(record.containerName, record.toDigest ?? undefined);
        if (!isFinished(record.state)) return;
        const outcome = OUTCOME[record.state];
        // The links of the run's check (the record has none), for the digest it checked.
        const seen = this.run?.checked.get(record.containerName);
        const links = seen?.toDigest === record.toDigest ? linksOf(seen) : {};
        const facts = { ...factsOfUpdate(record), ...links };
        this.say({ notice: this.notice(outcome.kind, outcome.level, now, facts) });
        return;
      }
      case 'update-skipped': {
        this.supersede(event.container, event.toDigest);
        const facts = this.factsOf(event.container, event.image, event.toDigest, { reason: event.reason });
        const claim = {
          container: event.container,
          kind: 'skipped',
          digest: event.toDigest ?? 'unknown',
        } as const;
        this.say({ notice: this.notice('skipped', 'info', now, facts), claim });
        return;
      }
      case 'approval-needed': {
        this.supersede(event.container, event.toDigest);
        const facts = this.factsOf(event.container, event.image, event.toDigest, {
          approvalId: event.approvalId,
          ...(event.fromTag !== undefined ? { fromTag: event.fromTag } : {}),
          ...(event.toTag !== undefined ? { toTag: event.toTag } : {}),
          ...(event.deadlineAt !== undefined ? { deadline: new Date(event.deadlineAt).toISOString() } : {}),
          ...linkFacts(event.releaseLinks),
        });
        this.say({ notice: this.notice('approval-needed', 'warn', now, facts) });
        return;
      }
      case 'fleet-rollout-halted': {
        const facts: ContainerFacts = {
          container: `${event.member}/${event.container}`,
          image: event.ref,
          toDigest: event.digest,
          ...(shortId(event.digest) !== undefined ? { toShort: shortId(event.digest) } : {}),
          reason: event.reason,
          ...(event.logs !== null ? { logs: event.logs } : {}),
        };
        this.say({ notice: this.notice('rollout-halted', 'error', now, facts) });
        return;
      }
      case 'check-finished': {
        const run = this.run;
        this.run = undefined;
        if (!run) return;
        const available = [...run.available.values()].map((facts) => this.availableNotice(facts, now));
        if (!this.deps.config.report) {
          this.queue(available);
          return;
        }
        this.queueReport([...run.collected, ...available], run, event.checked, now);
        return;
      }
    }
  }

  private notice(kind: Notice['kind'], level: Level, time: number, facts: ContainerFacts): Notice {
    return { kind, level, time, containers: [facts] };
  }

  private availableNotice(facts: ContainerFacts, now: number): Pending {
    const claim = { container: facts.container, kind: 'available', digest: facts.toDigest ?? '' } as const;
    return { notice: this.notice('update-available', 'info', now, facts), claim };
  }

  /** Skips and approvals carry no current digest: the run's check of the container has it. */
  private factsOf(
    container: string,
    image: string,
    toDigest: string | undefined,
    extra: Partial<ContainerFacts>,
  ): ContainerFacts {
    const seen = this.run?.checked.get(container);
    return {
      ...seen,
      container,
      image: image || seen?.image || '',
      ...(toDigest !== undefined ? { toDigest, toShort: shortId(toDigest), latest: shortId(toDigest) } : {}),
      ...extra,
    };
  }

  /** Something happened to an available update: its outcome is said instead, and it is never "available" again. */
  private supersede(container: string, digest: string | undefined): void {
    if (!this.run?.available.delete(container) || digest === undefined) return;
    this.deps.announced.claim(container, 'available', digest);
  }

  /** Now, or in report mode into the run's report. */
  private say(pending: Pending): void {
    if (this.run && this.deps.config.report) this.run.collected.push(pending);
    else this.queue([pending]);
  }

  private queue(pendings: readonly Pending[]): void {
    if (pendings.length === 0) return;
    const { outbox, announced, targets, config, clock } = this.deps;
    const queued = outbox.atomically(() => {
      const rows: OutboxInput[] = [];
      for (const { notice, claim } of pendings) {
        if (claim && !announced.claim(claim.container, claim.kind, claim.digest)) continue;
        rows.push(...outboxRows(notice, targets, config, clock()));
      }
      return outbox.enqueue(rows).length;
    });
    if (queued > 0) this.deps.queued();
  }

  private queueReport(pendings: readonly Pending[], run: Run, checked: number, now: number): void {
    const { outbox, announced, targets, config } = this.deps;
    const queued = outbox.atomically(() => {
      const fresh = pendings.filter(
        ({ claim }) => !claim || announced.claim(claim.container, claim.kind, claim.digest),
      );
      const report = buildReport(
        fresh.map((pending) => pending.notice),
        run.unchecked,
        checked,
        now,
      );
      return report === undefined ? 0 : outbox.enqueue(outboxRows(report, targets, config, now)).length;
    });
    if (queued > 0) this.deps.queued();
  }
}
