import type { WebhookKind } from './source.js';

/** Quiet time after the last delivery before a run of what came since the last run starts. */
export const DEBOUNCE_MS = 400;
/** A steady stream of deliveries still starts a run this long after the first. */
export const MAX_WAIT_MS = 2000;

export interface Timers {
  readonly setTimeout: (callback: () => void, ms: number) => unknown;
  readonly clearTimeout: (handle: unknown) => void;
}

const NODE_TIMERS: Timers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

interface Pending {
  readonly images: Set<string>;
  readonly firstAt: number;
  timer: unknown;
}

/**
 * Turns deliveries into runs, fast and few. Every source reports only a tag that moved (a
 * manifest pushed by tag: the push is complete), so the first delivery after a quiet time starts
 * its run at once: push-to-running pays no wait. Deliveries that follow within DEBOUNCE_MS (a CI
 * job tagging `1.2.3`, `1.2` and `latest`, several webhooks for one build) are collected per kind
 * until no delivery came for DEBOUNCE_MS (at most MAX_WAIT_MS after the first of them), then one
 * more targeted run is asked for. The run queue merges further with a run in flight.
 */
export class WebhookDispatcher {
  private readonly pending = new Map<WebhookKind, Pending>();
  /** When each kind last started a run: a delivery soon after it waits to be collected. */
  private readonly lastRunAt = new Map<WebhookKind, number>();
  private stopped = false;

  constructor(
    private readonly run: (kind: WebhookKind, images: readonly string[]) => void,
    private readonly options: {
      readonly delayMs?: number;
      readonly maxWaitMs?: number;
      readonly now?: () => number;
      readonly timers?: Timers;
    } = {},
  ) {}

  submit(kind: WebhookKind, images: readonly string[]): void {
    if (this.stopped || images.length === 0) return;
    const now = this.now();
    const timers = this.options.timers ?? NODE_TIMERS;
    let entry = this.pending.get(kind);
    const quietSince = this.lastRunAt.get(kind);
    const delayMs = this.options.delayMs ?? DEBOUNCE_MS;
    if (entry === undefined && (quietSince === undefined || now - quietSince >= delayMs)) {
      this.lastRunAt.set(kind, now);
      this.run(kind, [...new Set(images)]);
      return;
    }
    if (entry === undefined) {
      entry = { images: new Set(), firstAt: now, timer: undefined };
      this.pending.set(kind, entry);
    } else {
      timers.clearTimeout(entry.timer);
    }
    for (const image of images) entry.images.add(image);
    const delay = Math.min(
      delayMs,
      Math.max(0, entry.firstAt + (this.options.maxWaitMs ?? MAX_WAIT_MS) - now),
    );
    entry.timer = timers.setTimeout(() => this.flush(kind), delay);
  }

  /** Drops what waits (the daemon is stopping, and the run queue takes no more runs). */
  stop(): readonly string[] {
    this.stopped = true;
    const timers = this.options.timers ?? NODE_TIMERS;
    const dropped = [...this.pending.values()].flatMap((entry) => {
      timers.clearTimeout(entry.timer);
      return [...entry.images];
    });
    this.pending.clear();
    return dropped;
  }

  private flush(kind: WebhookKind): void {
    const entry = this.pending.get(kind);
    if (entry === undefined) return;
    this.pending.delete(kind);
    this.lastRunAt.set(kind, this.now());
    this.run(kind, [...entry.images]);
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }
}
