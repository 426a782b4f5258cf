import { TidewatchError } from '../domain/errors.js';
import type { UpdateTrigger } from '../store/index.js';

/** What a trigger asks for: everything, or only some containers (by name) or images (references). */
export interface RunRequest {
  readonly trigger: UpdateTrigger;
  /** Container names; all when absent or empty. */
  readonly names?: readonly string[] | undefined;
  /** Image references (see imageMatcher); all when absent or empty. */
  readonly images?: readonly string[] | undefined;
}

interface Pending<R> {
  request: RunRequest;
  readonly waiters: Array<{ resolve: (result: R) => void; reject: (error: unknown) => void }>;
}

const isFull = (request: RunRequest): boolean => !request.names?.length && !request.images?.length;

/**
 * Runs one cycle at a time and never drops a trigger. A request made while a run is in flight
 * waits for the next run; requests that wait together are merged so a burst (a push that sends
 * ten webhook events, a schedule firing during a webhook run) costs one run, not ten:
 * a full run absorbs everything, name-only requests merge their names, image-only requests their
 * images. The merged run keeps the first request's trigger for the history.
 */
export class RunQueue<R> {
  private running = false;
  private readonly pending: Array<Pending<R>> = [];
  private idle: Promise<void> = Promise.resolve();
  private settle: (() => void) | undefined;
  private closed = false;

  constructor(private readonly run: (request: RunRequest) => Promise<R>) {}

  /** Resolves with the result of the run that covered this request. */
  request(request: RunRequest): Promise<R> {
    if (this.closed) return Promise.reject(new TidewatchError('shutting-down', 'tidewatch is stopping'));
    return new Promise<R>((resolve, reject) => {
      this.enqueue(request).waiters.push({ resolve, reject });
      if (!this.running) void this.drain();
    });
  }

  /** Whether a run is in flight or waiting. */
  get busy(): boolean {
    return this.running || this.pending.length > 0;
  }

  /** Refuses new requests; what is queued still runs. Resolves when nothing runs and nothing waits. */
  close(): Promise<void> {
    this.closed = true;
    return this.idle;
  }

  /** Resolves when nothing runs and nothing waits. */
  whenIdle(): Promise<void> {
    return this.idle;
  }

  private enqueue(request: RunRequest): Pending<R> {
    const full = this.pending.find((entry) => isFull(entry.request));
    if (full) return full;
    if (isFull(request) && this.pending.length > 0) {
      // A full run covers every waiting request: fold them all into the first.
      const [first, ...rest] = this.pending.splice(0);
      if (first === undefined) throw new Error('unreachable: pending was not empty');
      first.request = { trigger: first.request.trigger };
      for (const entry of rest) first.waiters.push(...entry.waiters);
      this.pending.push(first);
      return first;
    }
    const sameKind = this.pending.find(
      (entry) =>
        !isFull(entry.request) &&
        Boolean(entry.request.names?.length) === Boolean(request.names?.length) &&
        Boolean(entry.request.images?.length) === Boolean(request.images?.length) &&
        !(request.names?.length && request.images?.length),
    );
    if (sameKind) {
      sameKind.request = {
        trigger: sameKind.request.trigger,
        ...(request.names?.length ? { names: union(sameKind.request.names, request.names) } : {}),
        ...(request.images?.length ? { images: union(sameKind.request.images, request.images) } : {}),
      };
      return sameKind;
    }
    const entry: Pending<R> = { request, waiters: [] };
    this.pending.push(entry);
    return entry;
  }

  private async drain(): Promise<void> {
    this.running = true;
    this.idle = new Promise((resolve) => (this.settle = resolve));
    try {
      for (let next = this.pending.shift(); next !== undefined; next = this.pending.shift()) {
        try {
          const result = await this.run(next.request);
          for (const waiter of next.waiters) waiter.resolve(result);
        } catch (error) {
          for (const waiter of next.waiters) waiter.reject(error);
        }
      }
    } finally {
      this.running = false;
      this.settle?.();
    }
  }
}

function union(a: readonly string[] | undefined, b: readonly string[]): string[] {
  return [...new Set([...(a ?? []), ...b])];
}
