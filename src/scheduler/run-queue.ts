import { TidewatchError } from '../domain/errors.js';
import type { UpdateTrigger } from '../store/index.js';

/** What a trigger asks for: everything, or only some containers (by name) or images (references). */
export interface RunRequest {
  readonly trigger: UpdateTrigger;
  /** Container names; all when absent or empty. */
  readonly names?: readonly string[] | undefined;
  /** Image references (see imageMatcher); all when absent or empty. */
  readonly images?: readonly string[] | undefined;
  /** Who asked (a named API token's holder, a voter); absent: the trigger says (store/actor.ts). */
  readonly actor?: string | undefined;
  /** Check only: report what is available and change nothing (the dashboard's "Check now"). */
  readonly checkOnly?: boolean | undefined;
}

interface Pending {
  request: RunRequest;
  /** Set for exclusive work (a manual rollback): run instead of a cycle, never merged. */
  readonly task?: () => Promise<unknown>;
  // A cycle's waiters get its report, a task's waiter the task's result.
  readonly waiters: Array<{ resolve: (result: never) => void; reject: (error: unknown) => void }>;
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
  private readonly pending: Pending[] = [];
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

  /**
   * Runs `task` alone, in turn with the cycles: work that changes containers outside a cycle (a
   * rollback asked for over the API) never overlaps one.
   */
  exclusive<T>(trigger: UpdateTrigger, task: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new TidewatchError('shutting-down', 'tidewatch is stopping'));
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ request: { trigger }, task, waiters: [{ resolve, reject }] });
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

  private enqueue(request: RunRequest): Pending {
    // A check-only run never absorbs an update, nor an update a check: each asked for what it gets.
    const mergeable = this.pending.filter(
      (entry) => entry.task === undefined && Boolean(entry.request.checkOnly) === Boolean(request.checkOnly),
    );
    const full = mergeable.find((entry) => isFull(entry.request));
    if (full) return full;
    const [first, ...rest] = mergeable;
    if (isFull(request) && first !== undefined) {
      // A full run covers every waiting cycle: fold them all into the first (tasks keep their turn).
      first.request = {
        trigger: first.request.trigger,
        actor: first.request.actor,
        checkOnly: first.request.checkOnly,
      };
      for (const entry of rest) {
        first.waiters.push(...entry.waiters);
        this.pending.splice(this.pending.indexOf(entry), 1);
      }
      return first;
    }
    const sameKind = mergeable.find(
      (entry) =>
        !isFull(entry.request) &&
        Boolean(entry.request.names?.length) === Boolean(request.names?.length) &&
        Boolean(entry.request.images?.length) === Boolean(request.images?.length) &&
        !(request.names?.length && request.images?.length),
    );
    if (sameKind) {
      sameKind.request = {
        trigger: sameKind.request.trigger,
        checkOnly: sameKind.request.checkOnly,
        ...(request.names?.length ? { names: union(sameKind.request.names, request.names) } : {}),
        ...(request.images?.length ? { images: union(sameKind.request.images, request.images) } : {}),
      };
      return sameKind;
    }
    const entry: Pending = { request, waiters: [] };
    this.pending.push(entry);
    return entry;
  }

  private async drain(): Promise<void> {
    this.running = true;
    this.idle = new Promise((resolve) => (this.settle = resolve));
    try {
      for (let next = this.pending.shift(); next !== undefined; next = this.pending.shift()) {
        try {
          const result = await (next.task ? next.task() : this.run(next.request));
          for (const waiter of next.waiters) (waiter.resolve as (value: unknown) => void)(result);
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
