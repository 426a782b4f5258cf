import { formatDuration } from '../config/index.js';
import type { Clock, Sleep } from '../domain/clock.js';
import type { Logger } from '../log/index.js';
import { BudgetState, type HeaderSource, type Pause } from './budget-state.js';
import { RegistryFailure } from './failure.js';
import type { RegistryWaitCause } from '../domain/run.js';

/**
 * A registry's limits, as configured (`--registry-limit`). `registry` is the registry as image
 * references name it (`docker.io`, `ghcr.io`, `127.0.0.1:5000`), or `*` for every registry without
 * an entry of its own. An absent field means no limit of that kind.
 */
export interface RegistryLimit {
  readonly registry: string;
  /** Requests in flight at once to this registry. */
  readonly concurrency?: number | undefined;
  /** At most `requests` per `windowMs`, as a token bucket (bursts up to `requests`). */
  readonly requests?: number | undefined;
  readonly windowMs?: number | undefined;
}

export type { RegistryWaitCause };

/** Why, and until when, requests to a registry are held back: what `check --json` shows. */
export interface RegistryWait {
  readonly registry: string;
  /** Epoch ms. */
  readonly until: number;
  readonly cause: RegistryWaitCause;
}

/** A request Tidewatch will not send (or wait for) because its registry is rate limited. */
export class RegistryRateLimited extends RegistryFailure {
  constructor(
    readonly wait: RegistryWait,
    message: string,
  ) {
    super('registry-rate-limited', message);
  }
}

/** The right to send one request; `done` exactly once, with the response when one came. */
export interface Permit {
  done(response?: { readonly status: number; readonly headers: HeaderSource }): void;
}

export interface BudgetOptions {
  readonly limits: readonly RegistryLimit[];
  /** The longest a request waits for a pause or a token; a longer wait is refused at once. */
  readonly maxWaitMs: number;
  readonly now: Clock;
  readonly sleep: Sleep;
  readonly logger: Logger;
}

export const ANY_REGISTRY = '*';

/**
 * Per-registry budgets for one long-lived client: the configured concurrency and request rate, and
 * the pauses the registries ask for. A wait that fits before the request's deadline is waited out;
 * a longer one fails at once with RegistryRateLimited, saying until when, so a container is
 * reported `unknown` instead of a registry being hammered or a check hanging for hours.
 */
export class RegistryBudget {
  private readonly states = new Map<string, BudgetState>();
  private readonly listeners = new Map<string, Set<() => void>>();

  constructor(private readonly options: BudgetOptions) {}

  /** Waits until `registry` may take one more request, or throws RegistryRateLimited. */
  async acquire(registry: string, what: string, deadline: number, signal: AbortSignal): Promise<Permit> {
    const key = registry.toLowerCase();
    const state = this.stateOf(key);
    let due: number | undefined;
    try {
      for (;;) {
        signal.throwIfAborted();
        const now = this.options.now();
        const pause = state.pausedAt(now);
        if (pause !== undefined) {
          if (pause.until > deadline) throw this.pauseRefusal(key, what, pause);
          await this.options.sleep(pause.until - now, signal);
          continue;
        }
        if (due === undefined) {
          const next = state.nextTokenAt(now);
          if (next > deadline) throw this.budgetRefusal(key, what, state, next);
          due = state.reserve(now);
        }
        if (due > now) {
          await this.options.sleep(due - now, signal);
          continue;
        }
        const started = state.tryStart();
        if (started === undefined) {
          await this.nextChange(key, signal);
          continue;
        }
        due = undefined; // spent: the request goes now
        return this.permit(key, state, started.probe);
      }
    } catch (error) {
      if (due !== undefined) state.refund(this.options.now());
      throw error;
    }
  }

  /** The failure for a request still refused after its retries; names the pause when one holds. */
  refusedAfterRetries(registry: string, what: string, retries: number): RegistryRateLimited {
    const key = registry.toLowerCase();
    const now = this.options.now();
    const pause = this.stateOf(key).pausedAt(now);
    const until = pause === undefined ? '' : ` until ${formatUntil(pause.until, now)}`;
    return new RegistryRateLimited(
      { registry: key, until: pause?.until ?? now, cause: pause?.cause ?? 'retry-after' },
      `${what}: rate limited by ${key}${until} (HTTP 429), still after ${retries} retries`,
    );
  }

  private permit(key: string, state: BudgetState, probe: boolean): Permit {
    let finished = false;
    return {
      done: (response) => {
        if (finished) return;
        finished = true;
        const now = this.options.now();
        const pause = state.finish(now, probe, response);
        if (pause !== undefined) {
          const until = new Date(pause.until).toISOString();
          this.options.logger.warn(
            { registry: key, until, cause: pause.cause, detail: pause.detail },
            'registry asks to wait; requests to it are paused',
          );
        }
        this.notify(key);
      },
    };
  }

  private pauseRefusal(key: string, what: string, pause: Pause): RegistryRateLimited {
    const now = this.options.now();
    return new RegistryRateLimited(
      { registry: key, until: pause.until, cause: pause.cause },
      `${what}: rate limited by ${key} until ${formatUntil(pause.until, now)} (${pause.detail}), ${this.overLimit()}`,
    );
  }

  private budgetRefusal(key: string, what: string, state: BudgetState, until: number): RegistryRateLimited {
    const now = this.options.now();
    const rate =
      state.bucket === undefined
        ? ''
        : ` (${state.bucket.requests} per ${formatDuration(state.bucket.windowMs)})`;
    return new RegistryRateLimited(
      { registry: key, until, cause: 'budget' },
      `${what}: rate limited by the request budget for ${key}${rate} until ${formatUntil(until, now)}, ${this.overLimit()}`,
    );
  }

  private overLimit(): string {
    return `over the ${this.options.maxWaitMs / 1000} s limit on waiting`;
  }

  private stateOf(key: string): BudgetState {
    let state = this.states.get(key);
    if (state === undefined) {
      const limit = limitFor(this.options.limits, key);
      const bucket =
        limit?.requests !== undefined && limit.windowMs !== undefined
          ? { requests: limit.requests, windowMs: limit.windowMs }
          : undefined;
      state = new BudgetState(limit?.concurrency ?? Infinity, bucket, this.options.now());
      this.states.set(key, state);
    }
    return state;
  }

  /** Resolves at the next request to `key` that finishes; rejects when `signal` aborts. */
  private nextChange(key: string, signal: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let waiting = this.listeners.get(key);
      if (waiting === undefined) this.listeners.set(key, (waiting = new Set()));
      const set = waiting;
      const onAbort = (): void => {
        set.delete(wake);
        reject(signal.reason as Error);
      };
      const wake = (): void => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      };
      set.add(wake);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  private notify(key: string): void {
    const waiting = this.listeners.get(key);
    if (waiting === undefined) return;
    this.listeners.delete(key);
    for (const wake of waiting) wake();
  }
}

/** The registry's own entry, else the `*` entry, else none. */
export function limitFor(limits: readonly RegistryLimit[], registry: string): RegistryLimit | undefined {
  const key = registry.toLowerCase();
  return (
    limits.find((limit) => limit.registry.toLowerCase() === key) ??
    limits.find((limit) => limit.registry === ANY_REGISTRY)
  );
}

/** `12:03:41 UTC` within a day, else with the date: reasons are read by people, in logs and tables. */
export function formatUntil(until: number, now: number): string {
  const iso = new Date(until).toISOString();
  const time = `${iso.slice(11, 19)} UTC`;
  return until - now < 86_400_000 ? time : `${iso.slice(0, 10)} ${time}`;
}
