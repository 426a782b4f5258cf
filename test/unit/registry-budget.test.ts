import { describe, expect, it } from 'vitest';
import { loadSettings, parseRegistryLimits } from '../../src/config/index.js';
import type { Sleep } from '../../src/domain/clock.js';
import { silentLogger } from '../../src/log/index.js';
import { BudgetState, parseRemainingQuota } from '../../src/registry/budget-state.js';
import {
  RegistryBudget,
  RegistryRateLimited,
  formatUntil,
  limitFor,
  type Permit,
  type RegistryLimit,
} from '../../src/registry/budget.js';

// Pure limiter logic: time is a number the test moves, and "sleeping" just moves it.

const T0 = Date.UTC(2025, 0, 1, 12, 0, 0);
const SECOND = 1000;
const ok = (headers: Record<string, string> = {}) => ({ status: 200, headers: new Headers(headers) });
const tooMany = (headers: Record<string, string> = {}) => ({ status: 429, headers: new Headers(headers) });

describe('BudgetState: request rate (token bucket)', () => {
  it('lets a burst of the bucket size through, then spaces requests by window/requests', () => {
    const state = new BudgetState(Infinity, { requests: 2, windowMs: 10 * SECOND }, T0);
    expect(state.reserve(T0)).toBe(T0);
    expect(state.reserve(T0)).toBe(T0);
    // Reservations queue up: each later one is due one refill period after the one before.
    expect(state.reserve(T0)).toBe(T0 + 5 * SECOND);
    expect(state.reserve(T0)).toBe(T0 + 10 * SECOND);
  });

  it('refills with time, never above the bucket size', () => {
    const state = new BudgetState(Infinity, { requests: 2, windowMs: 10 * SECOND }, T0);
    state.reserve(T0);
    state.reserve(T0);
    expect(state.nextTokenAt(T0 + 2 * SECOND)).toBe(T0 + 5 * SECOND);
    expect(state.nextTokenAt(T0 + 5 * SECOND)).toBe(T0 + 5 * SECOND);
    const later = T0 + 3_600 * SECOND;
    expect(state.reserve(later)).toBe(later);
    expect(state.reserve(later)).toBe(later);
    expect(state.reserve(later)).toBe(later + 5 * SECOND);
  });

  it('a refunded reservation is there for the next request', () => {
    const state = new BudgetState(Infinity, { requests: 1, windowMs: 60 * SECOND }, T0);
    state.reserve(T0);
    expect(state.nextTokenAt(T0)).toBe(T0 + 60 * SECOND);
    state.refund(T0);
    expect(state.nextTokenAt(T0)).toBe(T0);
  });

  it('without a rate limit every request is due at once', () => {
    const state = new BudgetState(Infinity, undefined, T0);
    for (let index = 0; index < 100; index++) expect(state.reserve(T0)).toBe(T0);
  });
});

describe('BudgetState: concurrency', () => {
  it('starts at most `concurrency` requests until one finishes', () => {
    const state = new BudgetState(2, undefined, T0);
    expect(state.tryStart()).toEqual({ probe: false });
    expect(state.tryStart()).toEqual({ probe: false });
    expect(state.tryStart()).toBeUndefined();
    state.finish(T0, false, ok());
    expect(state.tryStart()).toEqual({ probe: false });
  });
});

describe('BudgetState: pauses the registry asks for', () => {
  it('a 429 with Retry-After in seconds pauses until then', () => {
    const state = new BudgetState(Infinity, undefined, T0);
    state.tryStart();
    const pause = state.finish(T0, false, tooMany({ 'retry-after': '30' }));
    expect(pause).toEqual({
      until: T0 + 30 * SECOND,
      cause: 'retry-after',
      detail: 'HTTP 429 Retry-After: 30',
    });
    expect(state.pausedAt(T0 + 29 * SECOND)).toEqual(pause);
    expect(state.pausedAt(T0 + 30 * SECOND)).toBeUndefined();
  });

  it('a 429 with Retry-After as an HTTP date pauses until that date', () => {
    const state = new BudgetState(Infinity, undefined, T0);
    state.tryStart();
    const date = new Date(T0 + 90 * SECOND).toUTCString();
    expect(state.finish(T0, false, tooMany({ 'retry-after': date }))?.until).toBe(T0 + 90 * SECOND);
  });

  it('a 429 without Retry-After backs off 1 s, 2 s, 4 s; the probe answering resets it', () => {
    const state = new BudgetState(Infinity, undefined, T0);
    const untils: number[] = [];
    let now = T0;
    for (let index = 0; index < 3; index++) {
      const started = state.tryStart();
      const pause = state.finish(now, started?.probe ?? false, tooMany());
      untils.push((pause?.until ?? 0) - now);
      now = pause?.until ?? now;
    }
    expect(untils).toEqual([1 * SECOND, 2 * SECOND, 4 * SECOND]);
    const probe = state.tryStart();
    expect(probe).toEqual({ probe: true });
    state.finish(now, true, ok());
    state.tryStart();
    expect((state.finish(now, false, tooMany())?.until ?? 0) - now).toBe(1 * SECOND);
  });

  it('a later pause is never shortened by an earlier-ending one', () => {
    const state = new BudgetState(Infinity, undefined, T0);
    state.tryStart();
    state.tryStart();
    state.finish(T0, false, tooMany({ 'retry-after': '60' }));
    expect(state.finish(T0, false, tooMany({ 'retry-after': '5' }))).toBeUndefined();
    expect(state.pausedAt(T0 + 30 * SECOND)?.until).toBe(T0 + 60 * SECOND);
  });

  it("Docker Hub's ratelimit-remaining: 0 pauses for its window, even on a 200", () => {
    const state = new BudgetState(Infinity, undefined, T0);
    state.tryStart();
    const pause = state.finish(T0, false, ok({ 'ratelimit-remaining': '0;w=21600' }));
    expect(pause).toMatchObject({ until: T0 + 21_600 * SECOND, cause: 'ratelimit-remaining' });
    expect(pause?.detail).toBe('ratelimit-remaining: 0;w=21600');
  });

  it('after a pause one request probes; the others wait for its answer', () => {
    const state = new BudgetState(Infinity, undefined, T0);
    state.tryStart();
    state.finish(T0, false, tooMany({ 'retry-after': '1' }));
    const after = T0 + SECOND;
    expect(state.tryStart()).toEqual({ probe: true });
    expect(state.tryStart()).toBeUndefined();
    // A request sent before the 429 that answers now proves nothing.
    state.finish(after, false, ok());
    expect(state.tryStart()).toBeUndefined();
    state.finish(after, true, ok());
    expect(state.tryStart()).toEqual({ probe: false });
    expect(state.tryStart()).toEqual({ probe: false });
  });

  it('a probe that got no answer hands the role to the next request', () => {
    const state = new BudgetState(Infinity, undefined, T0);
    state.tryStart();
    state.finish(T0, false, tooMany({ 'retry-after': '0' }));
    expect(state.tryStart()).toEqual({ probe: true });
    state.finish(T0, true, undefined);
    expect(state.tryStart()).toEqual({ probe: true });
  });
});

describe('parseRemainingQuota', () => {
  it.each([
    [{ 'ratelimit-remaining': '0;w=21600' }, 21_600 * SECOND],
    [{ 'ratelimit-remaining': '0; w=60' }, 60 * SECOND],
    [{ 'ratelimit-remaining': '0;w=21600', 'ratelimit-reset': '120' }, 120 * SECOND],
    [{ 'ratelimit-remaining': '76;w=21600' }, undefined],
    [{ 'ratelimit-remaining': '0' }, undefined],
    [{ 'ratelimit-remaining': 'none;w=60' }, undefined],
    [{}, undefined],
  ])('%j → %s ms', (headers, expected) => {
    expect(parseRemainingQuota(new Headers(headers))).toBe(expected);
  });
});

/** A budget on a test clock: sleep moves the clock and records how long it was asked to wait. */
function testBudget(limits: RegistryLimit[], maxWaitMs = 60 * SECOND) {
  let now = T0;
  const sleeps: number[] = [];
  const sleep: Sleep = (ms, signal) => {
    signal?.throwIfAborted();
    sleeps.push(ms);
    now += ms;
    return Promise.resolve();
  };
  const budget = new RegistryBudget({ limits, maxWaitMs, now: () => now, sleep, logger: silentLogger() });
  const acquire = (registry = 'reg.example', signal = new AbortController().signal): Promise<Permit> =>
    budget.acquire(registry, `${registry}/app:1 manifest`, now + maxWaitMs, signal);
  return { budget, acquire, sleeps, now: () => now, advance: (ms: number) => (now += ms) };
}

/** Lets every settled promise run its callbacks (no timers involved). */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('RegistryBudget', () => {
  it('waits for a token when the wait fits', async () => {
    const { acquire, sleeps } = testBudget([{ registry: 'reg.example', requests: 2, windowMs: 60 * SECOND }]);
    (await acquire()).done(ok());
    (await acquire()).done(ok());
    (await acquire()).done(ok());
    expect(sleeps).toEqual([30 * SECOND]);
  });

  it('refuses at once a wait for a token past the limit, saying until when', async () => {
    const { acquire, sleeps } = testBudget(
      [{ registry: 'reg.example', requests: 2, windowMs: 60 * SECOND }],
      20 * SECOND,
    );
    (await acquire()).done(ok());
    (await acquire()).done(ok());
    const refused = await acquire().catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(RegistryRateLimited);
    const failure = refused as RegistryRateLimited;
    expect(failure.code).toBe('registry-rate-limited');
    expect(failure.wait).toEqual({ registry: 'reg.example', cause: 'budget', until: T0 + 30 * SECOND });
    expect(failure.message).toBe(
      'reg.example/app:1 manifest: rate limited by the request budget for reg.example (2 per 1m) until 12:00:30 UTC, over the 20 s limit on waiting',
    );
    expect(sleeps).toEqual([]);
  });

  it('a refused request keeps no token: the next one is due as before', async () => {
    const { acquire, sleeps } = testBudget(
      [{ registry: 'reg.example', requests: 1, windowMs: 60 * SECOND }],
      30 * SECOND,
    );
    (await acquire()).done(ok());
    await expect(acquire()).rejects.toBeInstanceOf(RegistryRateLimited);
    await expect(acquire()).rejects.toMatchObject({ wait: { until: T0 + 60 * SECOND } });
    expect(sleeps).toEqual([]);
  });

  it('a 429 with a Retry-After over the limit refuses the next request at once', async () => {
    const { acquire, sleeps } = testBudget([]);
    (await acquire()).done(tooMany({ 'retry-after': '120' }));
    await expect(acquire()).rejects.toMatchObject({
      wait: { registry: 'reg.example', cause: 'retry-after', until: T0 + 120 * SECOND },
      message:
        'reg.example/app:1 manifest: rate limited by reg.example until 12:02:00 UTC (HTTP 429 Retry-After: 120), over the 60 s limit on waiting',
    });
    expect(sleeps).toEqual([]);
  });

  it('a 429 with a short Retry-After is waited out, by every request to that registry only', async () => {
    const { acquire, sleeps } = testBudget([]);
    (await acquire()).done(tooMany({ 'retry-after': '5' }));
    (await acquire('other.example')).done(ok());
    expect(sleeps).toEqual([]);
    (await acquire()).done(ok());
    expect(sleeps).toEqual([5 * SECOND]);
  });

  it('ratelimit-remaining: 0 pauses the registry for its window', async () => {
    const { acquire } = testBudget([]);
    (await acquire()).done(ok({ 'ratelimit-remaining': '0;w=3600' }));
    await expect(acquire()).rejects.toMatchObject({
      wait: { cause: 'ratelimit-remaining', until: T0 + 3_600 * SECOND },
      message: expect.stringContaining(
        'rate limited by reg.example until 13:00:00 UTC (ratelimit-remaining: 0;w=3600)',
      ) as string,
    });
  });

  it('holds requests over the concurrency limit until one is done', async () => {
    const { acquire } = testBudget([{ registry: 'reg.example', concurrency: 1 }]);
    const first = await acquire();
    let secondStarted = false;
    const second = acquire().then((permit) => {
      secondStarted = true;
      return permit;
    });
    await settle();
    expect(secondStarted).toBe(false);
    first.done(ok());
    (await second).done(ok());
    expect(secondStarted).toBe(true);
  });

  it('after a pause only one request (the probe) goes; the others follow its answer', async () => {
    const { acquire, sleeps } = testBudget([]);
    (await acquire()).done(tooMany({ 'retry-after': '2' }));
    const started: Permit[] = [];
    const waiting = [acquire(), acquire(), acquire()].map((pending) =>
      pending.then((permit) => started.push(permit)),
    );
    await settle();
    expect(started).toHaveLength(1);
    started[0]?.done(ok());
    await Promise.all(waiting);
    expect(started).toHaveLength(3);
    expect(sleeps).toEqual([2 * SECOND]);
  });

  it('an aborted wait rejects with the abort reason and gives its token back', async () => {
    const { acquire, sleeps } = testBudget([
      { registry: 'reg.example', concurrency: 1, requests: 2, windowMs: 60_000 },
    ]);
    const first = await acquire();
    const controller = new AbortController();
    const waiting = acquire('reg.example', controller.signal);
    await settle();
    controller.abort(new Error('shutting down'));
    await expect(waiting).rejects.toThrow('shutting down');
    first.done(ok());
    // Two tokens: the first request's and the one the aborted request gave back, so no wait.
    (await acquire()).done(ok());
    expect(sleeps).toEqual([]);
  });

  it('after three 429s the failure says until when the registry is paused', () => {
    const { budget } = testBudget([]);
    const failure = budget.refusedAfterRetries('reg.example', 'reg.example/app:1 manifest', 3);
    expect(failure.message).toBe(
      'reg.example/app:1 manifest: rate limited by reg.example (HTTP 429), still after 3 retries',
    );
  });
});

describe('limits and their configuration', () => {
  it('a registry gets its own entry, else the * entry, case-insensitively', () => {
    const limits = [
      { registry: 'docker.io', concurrency: 2 },
      { registry: '*', concurrency: 8 },
    ];
    expect(limitFor(limits, 'DOCKER.IO')?.concurrency).toBe(2);
    expect(limitFor(limits, 'ghcr.io')?.concurrency).toBe(8);
    expect(limitFor([], 'ghcr.io')).toBeUndefined();
  });

  it('formats until as a time within a day, with the date beyond', () => {
    expect(formatUntil(T0 + 61 * SECOND, T0)).toBe('12:01:01 UTC');
    expect(formatUntil(T0 + 2 * 86_400 * SECOND, T0)).toBe('2025-01-03 12:00:00 UTC');
  });

  it.each([
    ['docker.io=2:100/6h', { registry: 'docker.io', concurrency: 2, requests: 100, windowMs: 21_600_000 }],
    ['docker.io=100/6h:2', { registry: 'docker.io', concurrency: 2, requests: 100, windowMs: 21_600_000 }],
    ['ghcr.io=4', { registry: 'ghcr.io', concurrency: 4 }],
    ['Quay.IO=30/1m', { registry: 'quay.io', requests: 30, windowMs: 60_000 }],
    ['127.0.0.1:5000=10/s', { registry: '127.0.0.1:5000', requests: 10, windowMs: 1000 }],
    ['registry-1.docker.io=1', { registry: 'docker.io', concurrency: 1 }],
    ['*=4:60/1m', { registry: '*', concurrency: 4, requests: 60, windowMs: 60_000 }],
  ])('%s', (entry, expected) => {
    expect(parseRegistryLimits([entry], '--registry-limit')).toEqual([expected]);
  });

  it.each([
    ['docker.io', /has no HOST=/],
    ['=4', /has no HOST=/],
    ['docker.io=0', /bad concurrency "0"/],
    ['docker.io=2:3', /bad concurrency "3"/],
    ['docker.io=x/1m', /bad rate "x\/1m"/],
    ['docker.io=10/0s', /bad rate/],
    ['docker.io=1:2:3/1m', /extra part/],
    ['https://docker.io=1', /names no registry host/],
  ])('refuses %s', (entry, message) => {
    expect(() => parseRegistryLimits([entry], '--registry-limit')).toThrow(message);
  });

  it('refuses a registry given twice', () => {
    expect(() => parseRegistryLimits(['ghcr.io=1', 'GHCR.io=2'], 'X')).toThrow('X: ghcr.io is given twice');
  });

  it('loads from the flag (repeatable, comma separated) and the environment, with a 60 s wait by default', () => {
    const fromFlag = loadSettings({ registryLimits: ['ghcr.io=4,docker.io=2:100/6h', '*=8'] }, {});
    expect(fromFlag.registryLimits).toEqual([
      { registry: 'ghcr.io', concurrency: 4 },
      { registry: 'docker.io', concurrency: 2, requests: 100, windowMs: 21_600_000 },
      { registry: '*', concurrency: 8 },
    ]);
    expect(fromFlag.maxRegistryWaitMs).toBe(60_000);
    const fromEnv = loadSettings(
      {},
      { TIDEWATCH_REGISTRY_LIMITS: 'ghcr.io=1 quay.io=5/1m', TIDEWATCH_MAX_REGISTRY_WAIT: '0' },
    );
    expect(fromEnv.registryLimits.map((limit) => limit.registry)).toEqual(['ghcr.io', 'quay.io']);
    expect(fromEnv.maxRegistryWaitMs).toBe(0);
    expect(() => loadSettings({}, { TIDEWATCH_REGISTRY_LIMITS: 'ghcr.io=lots' })).toThrow(
      /^TIDEWATCH_REGISTRY_LIMITS: "ghcr.io=lots" has a bad concurrency/,
    );
  });
});
