import type { Context } from 'hono';
import { streamSSE, type SSEStreamingApi } from 'hono/streaming';
import type { TidewatchEvent } from '../events/index.js';

export interface LoggedEvent {
  readonly id: number;
  /** Epoch ms when the API heard it. */
  readonly at: number;
  readonly event: TidewatchEvent;
}

export const EVENT_LOG_CAPACITY = 1000;

/**
 * The last events, in memory, with increasing ids, so an SSE client that reconnects with
 * `Last-Event-ID` gets what it missed. Ids start at the time the log was created (epoch ms) rather
 * than at 1: events are far rarer than one per millisecond, so ids keep growing across restarts
 * and a client coming back from before a restart is never mistaken for one that is up to date.
 */
export class EventLog {
  private readonly entries: LoggedEvent[] = [];
  private readonly listeners = new Set<(entry: LoggedEvent) => void>();
  private nextId: number;

  constructor(
    private readonly clock: () => number = Date.now,
    private readonly capacity = EVENT_LOG_CAPACITY,
  ) {
    this.nextId = clock();
  }

  append(event: TidewatchEvent): LoggedEvent {
    const entry = { id: this.nextId++, at: this.clock(), event };
    this.entries.push(entry);
    if (this.entries.length > this.capacity) this.entries.shift();
    for (const listener of this.listeners) listener(entry);
    return entry;
  }

  /** Hears every event appended from now on; returns the function that stops it. */
  subscribe(listener: (entry: LoggedEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * What a client that last saw `lastId` missed. `gap` says events it missed are no longer kept
   * (or it comes from before a restart): what follows is everything still kept.
   */
  since(lastId: number): { readonly events: LoggedEvent[]; readonly gap: boolean } {
    const oldest = this.entries[0];
    if (oldest === undefined) return { events: [], gap: lastId < this.nextId - 1 };
    if (lastId < oldest.id - 1) return { events: [...this.entries], gap: true };
    return { events: this.entries.filter((entry) => entry.id > lastId), gap: false };
  }
}

export interface StreamOptions {
  readonly log: EventLog;
  /** From Last-Event-ID: replay what came after it first. */
  readonly lastId: number | undefined;
  /** Only these event types; all when undefined. */
  readonly types: ReadonlySet<string> | undefined;
  readonly heartbeatMs: number;
  /** Ends the stream (the API is stopping). */
  readonly stopping: AbortSignal;
}

/**
 * Serves the log as Server-Sent Events: each event's type as `event:`, its JSON (with `at`) as
 * `data:`, its id as `id:`; a comment every `heartbeatMs` keeps proxies from closing an idle
 * stream. A client that reads slower than events come is dropped once it is a whole log behind;
 * it reconnects with Last-Event-ID and is told about the gap.
 */
export function streamEvents(c: Context, options: StreamOptions): Response {
  return streamSSE(c, async (stream) => {
    const queue: LoggedEvent[] = [];
    let wake: (() => void) | undefined;
    const notify = (): void => wake?.();
    // Subscribing and reading the backlog in one synchronous turn: nothing is missed, nothing twice.
    const unsubscribe = options.log.subscribe((entry) => {
      queue.push(entry);
      notify();
    });
    options.stopping.addEventListener('abort', notify);
    stream.onAbort(notify);
    try {
      const backlog = options.lastId === undefined ? undefined : options.log.since(options.lastId);
      await stream.write(': connected\n\n');
      if (backlog?.gap === true) {
        await stream.writeSSE({ event: 'gap', data: JSON.stringify({ lastEventId: options.lastId }) });
      }
      for (const entry of backlog?.events ?? []) await send(stream, entry, options.types);
      while (!stream.aborted && !stream.closed && !options.stopping.aborted) {
        if (queue.length > EVENT_LOG_CAPACITY) break;
        const entry = queue.shift();
        if (entry !== undefined) {
          await send(stream, entry, options.types);
          continue;
        }
        const woken = await new Promise<boolean>((resolve) => {
          const timer = setTimeout(() => resolve(false), options.heartbeatMs);
          wake = () => {
            clearTimeout(timer);
            resolve(true);
          };
        });
        wake = undefined;
        if (!woken) await stream.write(': heartbeat\n\n');
      }
    } finally {
      unsubscribe();
      options.stopping.removeEventListener('abort', notify);
    }
  });
}

async function send(
  stream: SSEStreamingApi,
  entry: LoggedEvent,
  types: ReadonlySet<string> | undefined,
): Promise<void> {
  if (types !== undefined && !types.has(entry.event.type)) return;
  await stream.writeSSE({
    id: String(entry.id),
    event: entry.event.type,
    data: JSON.stringify({ ...entry.event, at: entry.at }),
  });
}
