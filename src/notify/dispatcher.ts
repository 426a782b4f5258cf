import pLimit from 'p-limit';
import type { Clock } from '../domain/clock.js';
import { describeError } from '../domain/errors.js';
import type { Logger } from '../log/index.js';
import type { Outbox, OutboxRow } from '../store/index.js';
import { parseJson } from './http.js';
import type { Secrets } from '../domain/redact.js';
import type { Target } from './targets.js';
import { DeliveryError, Payload, type DeliveryReceipt } from './types.js';

export interface DispatcherDeps {
  readonly outbox: Outbox;
  readonly targets: readonly Target[];
  readonly secrets: Secrets;
  readonly logger: Logger;
  readonly clock: Clock;
  /** One attempt's time limit. */
  readonly timeoutMs: number;
  /** Past this age an undelivered message is given up on. */
  readonly maxAgeMs: number;
  /** Delay before attempt n+1 after n failed ones (default: 1s, 2s, 4s, … at most 5 minutes). */
  readonly backoffMs?: (failures: number) => number;
}

/** A refusal that looks final (404, 401, ...) is still tried this many times: a proxy may say so briefly. */
export const PERMANENT_ATTEMPTS = 3;
const BATCH = 200;
const PARALLEL_TARGETS = 4;
// Woken by new messages; this is only the longest nap when nothing is due (a clock jump, say).
const IDLE_MS = 60_000;
// Never a busy loop, even if a pass cannot make progress (a store error is logged and retried).
const MIN_NAP_MS = 100;

export function defaultBackoffMs(failures: number): number {
  return Math.min(1000 * 2 ** Math.max(0, failures - 1), 300_000);
}

/**
 * Delivers the outbox. One pass at a time (passes are chained), so a row is never sent twice by
 * this process; each target's rows go in order, and a target that fails is left alone until its
 * next attempt is due, so a message never overtakes an older one to the same target. A row is
 * marked delivered right after the target accepted it.
 */
export class Dispatcher {
  private readonly targets: ReadonlyMap<string, Target>;
  private chain: Promise<void> = Promise.resolve();
  private loop: Promise<void> | undefined;
  private stopped = false;
  private readonly sleepers = new Set<() => void>();

  constructor(private readonly deps: DispatcherDeps) {
    this.targets = new Map(deps.targets.map((target) => [target.id, target]));
  }

  /** Delivers in the background until stop(). */
  start(): void {
    this.loop ??= this.background();
  }

  /** New messages are queued: look now instead of at the next due time. */
  kick(): void {
    for (const wake of [...this.sleepers]) wake();
  }

  /** Lets the pass in flight finish (each attempt is bounded by its timeout), then stops. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.kick();
    await this.loop;
    await this.chain;
  }

  /**
   * Delivers until nothing is pending or `deadline` (epoch ms) comes; what is left stays queued.
   * Returns how many messages are still pending.
   */
  async drain(deadline: number): Promise<number> {
    for (;;) {
      await this.pass();
      const pending = this.deps.outbox.pendingCount();
      const next = this.deps.outbox.nextDueAt();
      if (pending === 0 || next === undefined || next > deadline || this.stopped) return pending;
      await this.nap(Math.max(MIN_NAP_MS, next - this.deps.clock()), true);
    }
  }

  /** One pass over what is due now. */
  pass(): Promise<void> {
    const next = this.chain.then(() => this.deliverDue());
    this.chain = next.catch((error: unknown) => {
      this.deps.logger.error({ reason: describeError(error) }, 'the notification outbox could not be read');
    });
    return this.chain;
  }

  private async background(): Promise<void> {
    while (!this.stopped) {
      await this.pass();
      if (this.stopped) return;
      const next = this.deps.outbox.nextDueAt();
      const wait = next === undefined ? IDLE_MS : Math.min(IDLE_MS, next - this.deps.clock());
      await this.nap(Math.max(MIN_NAP_MS, wait), false);
    }
  }

  /** Until `ms` passed or kick(). `keepAlive`: the wait alone keeps the process running (once's drain). */
  private nap(ms: number, keepAlive: boolean): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.sleepers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      if (!keepAlive) timer.unref();
      this.sleepers.add(done);
    });
  }

  private async deliverDue(): Promise<void> {
    const rows = this.deps.outbox.due(this.deps.clock(), BATCH);
    const byTarget = new Map<string, OutboxRow[]>();
    for (const row of rows) byTarget.set(row.target, [...(byTarget.get(row.target) ?? []), row]);
    const limit = pLimit(PARALLEL_TARGETS);
    await Promise.all(
      [...byTarget.values()].map((queue) =>
        limit(async () => {
          for (const row of queue) if (!(await this.attempt(row))) return;
        }),
      ),
    );
  }

  /** false: the target failed, its later rows wait. */
  private async attempt(row: OutboxRow): Promise<boolean> {
    const { outbox, logger } = this.deps;
    const target = this.targets.get(row.target);
    const fields = { target: row.targetLabel, event: row.event, message: row.id };
    if (!target) {
      outbox.markFailed(row.id, 'its notification URL is no longer configured');
      logger.warn(fields, 'notification dropped: its URL is no longer configured');
      return true;
    }
    const payload = Payload.safeParse(parseJson(row.payload));
    if (!payload.success) {
      outbox.markFailed(row.id, 'the queued message is unreadable');
      logger.error(fields, 'notification dropped: the queued message is unreadable');
      return true;
    }
    let receipt: DeliveryReceipt;
    try {
      receipt = await target.channel.send(payload.data, {
        signal: AbortSignal.timeout(this.deps.timeoutMs),
        messageId: row.id,
      });
    } catch (error) {
      this.failed(row, error);
      return false;
    }
    // Right after the target took it: a crash before this line is the one way to send it twice.
    outbox.markDelivered(row.id);
    logger.info({ ...fields, status: receipt.status, attempts: row.attempts + 1 }, 'notification delivered');
    return true;
  }

  private failed(row: OutboxRow, error: unknown): void {
    const { outbox, logger, clock, maxAgeMs, secrets } = this.deps;
    const reason = secrets.redact(describeError(error));
    const failures = row.attempts + 1;
    const now = clock();
    const permanent = error instanceof DeliveryError && error.permanent;
    const fields = { target: row.targetLabel, event: row.event, message: row.id, attempts: failures, reason };
    if ((permanent && failures >= PERMANENT_ATTEMPTS) || now - row.createdAt >= maxAgeMs) {
      outbox.markFailed(row.id, reason);
      logger.error(fields, 'notification failed; given up');
      return;
    }
    const wait =
      error instanceof DeliveryError && error.retryAfterMs !== undefined
        ? Math.min(error.retryAfterMs, 3_600_000)
        : (this.deps.backoffMs ?? defaultBackoffMs)(failures);
    // The last attempt comes at the message's maximum age, not after it.
    const next = Math.min(now + wait, row.createdAt + maxAgeMs);
    outbox.markRetry(row.id, reason, next);
    logger.warn({ ...fields, retryInMs: next - now }, 'notification not delivered; will retry');
  }
}
