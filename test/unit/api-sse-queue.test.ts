import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { EventLog, streamEvents } from '../../src/api/sse.js';
import { ClientQueue, MAX_BYTES_BEHIND, MAX_EVENTS_BEHIND } from '../../src/api/sse-queue.js';
import type { TidewatchEvent } from '../../src/events/index.js';

const frame = (bytes: number): Uint8Array => new Uint8Array(bytes);

describe('ClientQueue', () => {
  it(`is over the limit past ${MAX_EVENTS_BEHIND} events, not at it`, () => {
    const queue = new ClientQueue();
    for (let i = 0; i < MAX_EVENTS_BEHIND; i++) queue.push(frame(1));
    expect(queue.overLimit()).toBe(false);
    queue.push(frame(1));
    expect(queue.overLimit()).toBe(true);
  });

  it(`is over the limit past ${MAX_BYTES_BEHIND} bytes, counting what the socket has not taken`, () => {
    const queue = new ClientQueue();
    queue.push(frame(MAX_BYTES_BEHIND - 10));
    queue.push(frame(10));
    expect(queue.byteLength).toBe(MAX_BYTES_BEHIND);
    expect(queue.overLimit()).toBe(false);
    expect(queue.overLimit(1)).toBe(true);
    queue.push(frame(1));
    expect(queue.overLimit()).toBe(true);
  });

  it('counts the frame being written until it is taken', () => {
    const queue = new ClientQueue({ events: 1, bytes: 100 });
    queue.push(frame(60));
    const first = queue.peek();
    queue.push(frame(60));
    // The first is still being written (peeked, not taken): the client is 120 bytes behind.
    expect(queue.overLimit()).toBe(true);
    queue.taken();
    expect(queue.peek()).not.toBe(first);
    expect({ length: queue.length, bytes: queue.byteLength, over: queue.overLimit() }).toEqual({
      length: 1,
      bytes: 60,
      over: false,
    });
    queue.taken();
    queue.taken();
    expect({ length: queue.length, bytes: queue.byteLength }).toEqual({ length: 0, bytes: 0 });
  });

  it('forgets everything when cleared', () => {
    const queue = new ClientQueue();
    queue.push(frame(5));
    queue.clear();
    expect({ length: queue.length, bytes: queue.byteLength, next: queue.peek() }).toEqual({
      length: 0,
      bytes: 0,
      next: undefined,
    });
  });
});

const skipped = (reason: string): TidewatchEvent => ({
  type: 'update-skipped',
  container: 'web',
  image: 'nginx:1',
  reason,
});

/** The route as routes/events.ts serves it, without a socket: app.request hands back the stream. */
function eventsApp(log: EventLog, types?: ReadonlySet<string>): Hono {
  const app = new Hono();
  app.get('/events', (c) =>
    streamEvents(c, {
      log,
      lastId: undefined,
      types,
      heartbeatMs: 60_000,
      stopping: new AbortController().signal,
    }),
  );
  return app;
}

async function readAll(body: ReadableStream<Uint8Array>): Promise<string> {
  let text = '';
  const decoder = new TextDecoder();
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) text += decoder.decode(chunk);
  return text;
}

describe('streamEvents', () => {
  it('ends the stream of a client that does not read once it is a MB behind, its write blocked', async () => {
    const log = new EventLog(() => 1);
    const response = await eventsApp(log).request('/events');
    const body = response.body as ReadableStream<Uint8Array>;
    const big = 'x'.repeat(64 * 1024);
    // Nothing reads the body: the first event's write blocks, the rest queue up.
    for (let i = 0; i < MAX_BYTES_BEHIND / big.length; i++) log.append(skipped(big));
    await new Promise((resolve) => setImmediate(resolve));
    log.append(skipped(big));
    // Ended, not waiting for the reader: reading now gets the end, not a MB of queued events.
    const text = await readAll(body);
    expect(text.length).toBeLessThan(big.length);
  });

  it('keeps a client that reads, and writes each event as Hono writeSSE would', async () => {
    const log = new EventLog(() => 7);
    const response = await eventsApp(log, new Set(['update-skipped'])).request('/events');
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    expect(decoder.decode((await reader.read()).value)).toBe(': connected\n\n');
    let received = '';
    for (let i = 0; i < MAX_EVENTS_BEHIND + 10; i++) {
      // Events the client did not ask for are never queued for it.
      log.append({ type: 'check-started', trigger: 'api', names: [] });
      const entry = log.append(skipped(`r${i}`));
      const chunk = await reader.read();
      received = decoder.decode(chunk.value);
      expect(chunk.done).toBe(false);
      expect(received).toBe(
        `event: update-skipped\ndata: ${JSON.stringify({ ...entry.event, at: 7 })}\nid: ${entry.id}\n\n`,
      );
    }
    await reader.cancel();
  });
});
