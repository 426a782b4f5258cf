import type { ServerResponse } from 'node:http';
import type { Context } from 'hono';
import { streamSSE, type SSEStreamingApi } from 'hono/streaming';
import type { TidewatchEvent } from '../events/index.js';
import { ClientQueue } from './sse-queue.js';

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
 * stream. A client more than MAX_EVENTS_BEHIND events or MAX_BYTES_BEHIND bytes behind is
 * disconnected (sse-queue.ts); it reconnects with Last-Event-ID and is replayed what the log still
 * keeps, after a `gap` event when that is not all it missed.
 */
export function streamEvents(c: Context, options: StreamOptions): Response {
  const response = (c.env as { outgoing?: ServerResponse } | undefined)?.outgoing;
  return streamSSE(c, async (stream) => {
    // Subscribing and reading the backlog in one synchronous turn: nothing is missed, nothing twice.
    const client = new LiveClient(stream, response, options);
    const backlog = options.lastId === undefined ? undefined : options.log.since(options.lastId);
    try {
      await stream.write(': connected\n\n');
      if (backlog?.gap === true) {
        await stream.writeSSE({ event: 'gap', data: JSON.stringify({ lastEventId: options.lastId }) });
      }
      for (const entry of backlog?.events ?? []) {
        if (wanted(entry, options.types)) await stream.write(encodeFrame(entry));
      }
      await client.follow();
    } finally {
      client.leave();
    }
  });
}

/** One client of the live stream: its queue, filled as events are appended, and its send loop. */
class LiveClient {
  private readonly queue = new ClientQueue();
  private readonly unsubscribe: () => void;
  private wake: (() => void) | undefined;
  private readonly notify = (): void => this.wake?.();

  constructor(
    private readonly stream: SSEStreamingApi,
    /** Node's response, when served by @hono/node-server (not with app.request in tests). */
    private readonly response: ServerResponse | undefined,
    private readonly options: StreamOptions,
  ) {
    this.unsubscribe = options.log.subscribe((entry) => this.hear(entry));
    options.stopping.addEventListener('abort', this.notify);
    stream.onAbort(this.notify);
  }

  /** Sends queued events as they come, and heartbeats between, until the stream ends. */
  async follow(): Promise<void> {
    while (!this.stream.aborted && !this.stream.closed && !this.options.stopping.aborted) {
      const frame = this.queue.peek();
      if (frame !== undefined) {
        await this.stream.write(frame);
        this.queue.taken();
        continue;
      }
      if (!(await this.sleep())) await this.stream.write(': heartbeat\n\n');
    }
  }

  leave(): void {
    this.unsubscribe();
    this.queue.clear();
    this.options.stopping.removeEventListener('abort', this.notify);
  }

  /**
   * Checked here, as each event is appended, and not in the send loop: while a write to a client
   * that does not read is blocked (the socket never drains), the loop never gets to look.
   */
  private hear(entry: LoggedEvent): void {
    if (!wanted(entry, this.options.types)) return;
    this.queue.push(sharedFrame(entry));
    if (this.queue.overLimit(this.response?.writableLength ?? 0)) this.drop();
    else this.notify();
  }

  private drop(): void {
    this.leave();
    disconnect(this.stream, this.response);
    this.notify();
  }

  /** Resolves true when woken (an event, the end), false after `heartbeatMs` of nothing. */
  private async sleep(): Promise<boolean> {
    const woken = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), this.options.heartbeatMs);
      this.wake = () => {
        clearTimeout(timer);
        resolve(true);
      };
    });
    this.wake = undefined;
    return woken;
  }
}

/**
 * Cuts a client at once, even while a write to it is blocked. Ending the stream politely would
 * not do: the end is written after what is buffered, which a client that does not read never
 * takes. Destroying Node's socket frees it and its buffers now; @hono/node-server hears the
 * response close and cancels the body, which aborts the stream and rejects the blocked write, so
 * the send loop ends. The socket is reset (RST) rather than closed (FIN): a FIN would also wait
 * behind the unsent data, the kernel keeping the orphaned socket and its send buffer (up to
 * tcp_wmem's maximum, 4 MB by default) while it probes the client's zero window for minutes.
 * Without a Node response (app.request, in tests), aborting the stream is all there is.
 */
function disconnect(stream: SSEStreamingApi, response: ServerResponse | undefined): void {
  const socket = response?.socket;
  if (socket && !socket.destroyed) {
    try {
      socket.resetAndDestroy();
    } catch {
      // Only a plain TCP socket can be reset (not a TLS one nor a pipe): close it instead.
      socket.destroy();
    }
  }
  stream.abort();
}

function wanted(entry: LoggedEvent, types: ReadonlySet<string> | undefined): boolean {
  return types === undefined || types.has(entry.event.type);
}

const encoder = new TextEncoder();

/**
 * An event as its SSE frame, as Hono's writeSSE writes it (`event:`, `data:`, `id:`), encoded.
 * JSON escapes line breaks, so the data is one line.
 */
function encodeFrame(entry: LoggedEvent): Uint8Array {
  const data = JSON.stringify({ ...entry.event, at: entry.at });
  return encoder.encode(`event: ${entry.event.type}\ndata: ${data}\nid: ${entry.id}\n\n`);
}

/**
 * Every client hears an event in the same turn (EventLog.append), so the latest event's frame is
 * kept for the next client to hear it: clients share one copy of each event rather than queue one
 * each. Only the latest: keeping the frame of every event in the log would double the log's size.
 */
let latest: { readonly entry: LoggedEvent; readonly frame: Uint8Array } | undefined;

function sharedFrame(entry: LoggedEvent): Uint8Array {
  if (latest?.entry !== entry) latest = { entry, frame: encodeFrame(entry) };
  return latest.frame;
}
