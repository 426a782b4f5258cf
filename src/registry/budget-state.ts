/**
 * The pure bookkeeping of one registry's budget: a token bucket for the request rate, the number of
 * requests in flight, and a pause learned from the registry itself (a 429's Retry-After, Docker
 * Hub's ratelimit-remaining). Time is always passed in, so every rule is testable without sleeping.
 */

import type { RegistryPauseCause } from '../domain/run.js';

/** Why requests to a registry are held back. */
export type PauseCause = RegistryPauseCause;

export interface Pause {
  /** Epoch ms when requests may go again. */
  readonly until: number;
  readonly cause: PauseCause;
  /** What the registry said, for messages: `HTTP 429 Retry-After: 120 s`. */
  readonly detail: string;
}

export interface BucketLimit {
  readonly requests: number;
  readonly windowMs: number;
}

/** Headers as fetch gives them; only `get` is needed. */
export interface HeaderSource {
  get(name: string): string | null;
}

const BACKOFF_BASE_MS = 1000;
const BACKOFF_MAX_MS = 5 * 60_000;

/** Seconds or an HTTP date (RFC 9110 §10.2.3), as milliseconds from now; undefined if absent or garbage. */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isFinite(date) ? Math.max(0, date - now) : undefined;
}

/**
 * Milliseconds until a spent quota comes back, from Docker Hub's `ratelimit-remaining: 0;w=21600`
 * (https://docs.docker.com/docker-hub/usage/pulls/), or undefined while requests remain. Docker
 * Hub's `w` is the length of its window, not the time left in it: waiting the whole window is the
 * only safe reading. The IETF draft's `ratelimit-reset` (seconds) is used when a registry sends it.
 */
export function parseRemainingQuota(headers: HeaderSource): number | undefined {
  const remaining = headers.get('ratelimit-remaining');
  if (remaining === null) return undefined;
  const [count, ...params] = remaining.split(';').map((part) => part.trim());
  if (count === undefined || !/^\d+$/.test(count) || Number(count) > 0) return undefined;
  const reset = headers.get('ratelimit-reset')?.trim();
  if (reset !== undefined && /^\d+$/.test(reset)) return Number(reset) * 1000;
  const window = params.map((param) => /^w=(\d+)$/i.exec(param)?.[1]).find((w) => w !== undefined);
  return window === undefined ? undefined : Number(window) * 1000;
}

export class BudgetState {
  private tokens: number;
  private refilledAt: number;
  private active = 0;
  private pause: Pause | undefined;
  /** 429s in a row, for the backoff when a registry sends no Retry-After. */
  private strikes = 0;
  /** After a pause, one request goes first; the rest wait for its answer instead of all retrying at once. */
  private needsProbe = false;
  private probing = false;

  constructor(
    readonly concurrency: number,
    readonly bucket: BucketLimit | undefined,
    now: number,
  ) {
    this.tokens = bucket?.requests ?? 0;
    this.refilledAt = now;
  }

  /** The pause in force at `now`, if any. */
  pausedAt(now: number): Pause | undefined {
    return this.pause !== undefined && this.pause.until > now ? this.pause : undefined;
  }

  /** When a request asking now would get its token: `now` when one is there. */
  nextTokenAt(now: number): number {
    if (this.bucket === undefined) return now;
    this.refill(now);
    if (this.tokens >= 1) return now;
    return now + Math.ceil(((1 - this.tokens) * this.bucket.windowMs) / this.bucket.requests);
  }

  /**
   * Takes a token, possibly one that has not come yet (the count goes below zero), and says when it
   * is due. Reserving keeps waiters in order and lets each one know at once how long it would wait.
   */
  reserve(now: number): number {
    const due = this.nextTokenAt(now);
    if (this.bucket !== undefined) this.tokens -= 1;
    return due;
  }

  /** Gives back a reserved token whose request was never sent (aborted, or refused by a pause). */
  refund(now: number): void {
    if (this.bucket === undefined) return;
    this.refill(now);
    this.tokens = Math.min(this.bucket.requests, this.tokens + 1);
  }

  /** A concurrency slot, and the probe role when one is due; false: wait for a change. */
  tryStart(): { probe: boolean } | undefined {
    if (this.active >= this.concurrency) return undefined;
    if (this.needsProbe && this.probing) return undefined;
    this.active++;
    const probe = this.needsProbe;
    if (probe) this.probing = true;
    return { probe };
  }

  /**
   * The end of a request, with the response when one came. A 429 pauses the registry (Retry-After,
   * else a doubling backoff); a spent quota pauses it for the quota's window; the probe's other
   * answers show the registry takes requests again. Returns the pause this answer started, if any.
   */
  finish(
    now: number,
    probe: boolean,
    response: { status: number; headers: HeaderSource } | undefined,
  ): Pause | undefined {
    this.active--;
    if (probe) this.probing = false;
    if (response === undefined) return undefined;
    const before = this.pause;
    if (response.status === 429) {
      this.strikes++;
      const header = response.headers.get('retry-after');
      const retryAfter = parseRetryAfter(header, now);
      if (retryAfter !== undefined) {
        this.pauseUntil(now + retryAfter, 'retry-after', `HTTP 429 Retry-After: ${header?.trim() ?? ''}`);
      } else {
        const backoff = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** (this.strikes - 1));
        this.pauseUntil(now + backoff, 'backoff', 'HTTP 429 without Retry-After');
      }
      this.needsProbe = true;
    } else {
      this.strikes = 0;
      // Only the probe's answer ends the probing: a request sent before the 429 proves nothing.
      if (probe) this.needsProbe = false;
    }
    const quotaMs = parseRemainingQuota(response.headers);
    if (quotaMs !== undefined) {
      const remaining = response.headers.get('ratelimit-remaining')?.trim() ?? '';
      this.pauseUntil(now + quotaMs, 'ratelimit-remaining', `ratelimit-remaining: ${remaining}`);
      this.needsProbe = true;
    }
    return this.pause !== before ? this.pause : undefined;
  }

  private pauseUntil(until: number, cause: PauseCause, detail: string): void {
    // A later end wins: two pauses never shorten each other.
    if (this.pause === undefined || until >= this.pause.until) this.pause = { until, cause, detail };
  }

  private refill(now: number): void {
    if (this.bucket === undefined) return;
    const elapsed = Math.max(0, now - this.refilledAt);
    this.refilledAt = Math.max(this.refilledAt, now);
    const gained = (elapsed * this.bucket.requests) / this.bucket.windowMs;
    this.tokens = Math.min(this.bucket.requests, this.tokens + gained);
  }
}
