import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/log/index.js';
import {
  DeliveryError,
  Dispatcher,
  PERMANENT_ATTEMPTS,
  Secrets,
  defaultBackoffMs,
  type Channel,
  type Payload,
  type Target,
} from '../../src/notify/index.js';
import type { Store } from '../../src/store/index.js';
import { fakeClock, openIn, useTempDirs } from './store-fixtures.js';

/** Delivery from the outbox with scripted targets and an injected clock: no sleeping, no network. */
function payload(body: string): string {
  const message: Payload = { event: 'updated', level: 'info', body, host: 'box', time: 1, containers: [] };
  return JSON.stringify(message);
}

/** A target whose answers are scripted: true delivers, an Error is thrown. */
function scripted(id: string, answers: Array<true | Error> = []): Target & { got: string[] } {
  const got: string[] = [];
  const channel: Channel = {
    receivesState: false,
    send: (message) => {
      const answer = answers.shift() ?? true;
      if (answer !== true) return Promise.reject(answer);
      got.push(message.body);
      return Promise.resolve({ status: 'HTTP 200' });
    },
  };
  return { id, label: `generic://${id}`, scheme: 'generic', channel, got };
}

describe('dispatcher', () => {
  const tempDir = useTempDirs();
  const opened: Store[] = [];
  afterEach(() => {
    for (const store of opened.splice(0)) store.close();
  });

  function setup(targets: Target[], options: { maxAgeMs?: number; dir?: string; secrets?: Secrets } = {}) {
    const time = fakeClock();
    const dir = options.dir ?? tempDir();
    const store = openIn(dir, time.clock);
    opened.push(store);
    const dispatcher = new Dispatcher({
      outbox: store.outbox,
      targets,
      secrets: options.secrets ?? new Secrets(),
      logger: silentLogger(),
      clock: time.clock,
      timeoutMs: 1000,
      maxAgeMs: options.maxAgeMs ?? 3_600_000,
    });
    const queue = (target: string, ...bodies: string[]): number[] =>
      store.outbox.enqueue(
        bodies.map((body) => ({
          target,
          targetLabel: `generic://${target}`,
          event: 'updated',
          level: 'info',
          payload: payload(body),
        })),
      );
    return { store, dispatcher, queue, time, dir };
  }

  it('delivers what is due, in order, and marks each delivered', async () => {
    const target = scripted('a');
    const { store, dispatcher, queue } = setup([target]);
    const [first, second] = queue('a', 'one', 'two');
    store.outbox.enqueue([
      {
        target: 'a',
        targetLabel: 'x',
        event: 'updated',
        level: 'info',
        payload: payload('later'),
        notBefore: Date.UTC(2030, 0, 1),
      },
    ]);
    await dispatcher.pass();
    expect(target.got).toEqual(['one', 'two']);
    expect(store.outbox.get(first ?? 0)).toMatchObject({ attempts: 1, lastError: null });
    expect(store.outbox.get(second ?? 0)?.deliveredAt).not.toBeNull();
    expect(store.outbox.stats()).toEqual({ pending: 1, delivered: 2, failed: 0 });
    // Delivered rows are never sent again.
    await dispatcher.pass();
    expect(target.got).toEqual(['one', 'two']);
  });

  it('a failure is retried with exponential backoff; later rows to that target wait their turn, others go on', async () => {
    const down = scripted('down', [new DeliveryError('HTTP 503'), new DeliveryError('HTTP 503')]);
    const up = scripted('up');
    const { store, dispatcher, queue, time } = setup([down, up]);
    const [first] = queue('down', 'first', 'second');
    queue('up', 'other');
    await dispatcher.pass();
    expect(down.got).toEqual([]);
    expect(up.got).toEqual(['other']);
    expect(store.outbox.get(first ?? 0)).toMatchObject({
      attempts: 1,
      lastError: 'HTTP 503',
      nextAttemptAt: time.clock() + 1000,
    });
    // Not due yet: nothing is attempted.
    await dispatcher.pass();
    expect(store.outbox.get(first ?? 0)?.attempts).toBe(1);
    time.tick(1000);
    await dispatcher.pass();
    expect(store.outbox.get(first ?? 0)).toMatchObject({ attempts: 2, nextAttemptAt: time.clock() + 2000 });
    time.tick(2000);
    await dispatcher.pass();
    // The older message first, then the one that waited behind it.
    expect(down.got).toEqual(['first', 'second']);
    expect(store.outbox.stats()).toEqual({ pending: 0, delivered: 3, failed: 0 });
  });

  it('the next due time is that of the oldest waiting message of a target, not of one queued behind it', async () => {
    const down = scripted('down', [new DeliveryError('HTTP 503')]);
    const { store, dispatcher, queue, time } = setup([down]);
    queue('down', 'first');
    await dispatcher.pass();
    queue('down', 'second');
    // The second is due, but waits behind the first: sleeping until the first's retry, not spinning.
    expect(store.outbox.due(time.clock(), 10)).toEqual([]);
    expect(store.outbox.nextDueAt()).toBe(time.clock() + 1000);
  });

  it('backs off 1s, 2s, 4s, … up to 5 minutes', () => {
    expect([1, 2, 3, 4, 9, 10, 30].map(defaultBackoffMs)).toEqual([
      1000, 2000, 4000, 8000, 256_000, 300_000, 300_000,
    ]);
  });

  it("honours a service's Retry-After", async () => {
    const busy = scripted('busy', [new DeliveryError('HTTP 429', { retryAfterMs: 30_000 })]);
    const { store, dispatcher, queue, time } = setup([busy]);
    const [id] = queue('busy', 'hello');
    await dispatcher.pass();
    expect(store.outbox.get(id ?? 0)?.nextAttemptAt).toBe(time.clock() + 30_000);
  });

  it('gives up at the maximum age: recorded as failed, with the reason, for metrics and the API', async () => {
    const errors = Array.from({ length: 20 }, () => new Error('connect ECONNREFUSED 127.0.0.1:9'));
    const dead = scripted('dead', errors);
    const { store, dispatcher, queue, time } = setup([dead], { maxAgeMs: 10_000 });
    const [id] = queue('dead', 'lost');
    for (let pass = 0; pass < 10 && store.outbox.pendingCount() > 0; pass += 1) {
      await dispatcher.pass();
      time.tick(5000);
    }
    const row = store.outbox.get(id ?? 0);
    expect(row?.failedAt).not.toBeNull();
    expect(row?.lastError).toBe('connect ECONNREFUSED 127.0.0.1:9');
    // Passes every 5s: attempts at 0s, 5s and 10s, the last one at the maximum age, not after it.
    expect(row?.attempts).toBe(3);
    expect(store.outbox.stats()).toEqual({ pending: 0, delivered: 0, failed: 1 });
    expect(store.outbox.failures(10).map((failure) => failure.id)).toEqual([id]);
  });

  it('lists every message newest first, whatever its state, for the API’s outbox view', async () => {
    const refusals = (error: () => Error): Error[] => Array.from({ length: 10 }, error);
    const gone = scripted(
      'gone',
      refusals(() => new DeliveryError('HTTP 404', { permanent: true })),
    );
    const slow = scripted(
      'slow',
      refusals(() => new DeliveryError('HTTP 503')),
    );
    const fine = scripted('fine');
    const { store, dispatcher, queue, time } = setup([gone, slow, fine]);
    const [lost] = queue('gone', 'lost');
    const [waiting] = queue('slow', 'waiting');
    const [sent] = queue('fine', 'sent');
    for (let pass = 0; pass <= PERMANENT_ATTEMPTS; pass += 1) {
      await dispatcher.pass();
      time.tick(60_000);
    }
    const states = store.outbox.recent(10).map((row) => ({
      id: row.id,
      delivered: row.deliveredAt !== null,
      failed: row.failedAt !== null,
    }));
    expect(states).toEqual([
      { id: sent, delivered: true, failed: false },
      { id: waiting, delivered: false, failed: false },
      { id: lost, delivered: false, failed: true },
    ]);
    expect(store.outbox.recent(1).map((row) => row.id)).toEqual([sent]);
  });

  it(`a refusal that looks final (404) is given up after ${PERMANENT_ATTEMPTS} attempts`, async () => {
    const gone = scripted(
      'gone',
      Array.from({ length: 5 }, () => new DeliveryError('HTTP 404', { permanent: true })),
    );
    const { store, dispatcher, queue, time } = setup([gone]);
    const [id] = queue('gone', 'hello');
    for (let pass = 0; pass < 6; pass += 1) {
      await dispatcher.pass();
      time.tick(60_000);
    }
    expect(store.outbox.get(id ?? 0)).toMatchObject({ attempts: PERMANENT_ATTEMPTS, lastError: 'HTTP 404' });
    expect(store.outbox.get(id ?? 0)?.failedAt).not.toBeNull();
  });

  it('secrets are redacted from the recorded error', async () => {
    const secrets = new Secrets();
    secrets.add('tok-SECRET-123');
    const leaky = scripted('leaky', [
      new Error('POST https://api.example.org/bottok-SECRET-123/send failed'),
    ]);
    const { store, dispatcher, queue } = setup([leaky], { secrets });
    const [id] = queue('leaky', 'hello');
    await dispatcher.pass();
    expect(store.outbox.get(id ?? 0)?.lastError).toBe('POST https://api.example.org/bot***/send failed');
  });

  it('a message for a URL that is no longer configured is recorded as failed, not retried forever', async () => {
    const { store, dispatcher, queue } = setup([scripted('a')]);
    const [id] = queue('removed', 'hello');
    await dispatcher.pass();
    expect(store.outbox.get(id ?? 0)).toMatchObject({
      lastError: 'its notification URL is no longer configured',
    });
    expect(store.outbox.stats().failed).toBe(1);
  });

  it('drain returns what is still pending when the next attempt is past the deadline', async () => {
    const down = scripted('down', [new DeliveryError('HTTP 503')]);
    const { dispatcher, queue, time } = setup([down]);
    queue('down', 'hello');
    expect(await dispatcher.drain(time.clock() + 500)).toBe(1);
    await dispatcher.stop();
  });

  it('across a restart: what was delivered is not sent again, what was pending is', async () => {
    const before = scripted('a', [true, new DeliveryError('HTTP 503')]);
    const first = setup([before]);
    first.queue('a', 'delivered', 'pending');
    await first.dispatcher.pass();
    expect(before.got).toEqual(['delivered']);
    first.store.close();

    const after = scripted('a');
    const second = setup([after], { dir: first.dir });
    second.time.tick(60_000);
    await second.dispatcher.pass();
    expect(after.got).toEqual(['pending']);
    expect(second.store.outbox.stats()).toEqual({ pending: 0, delivered: 2, failed: 0 });
  });
});
