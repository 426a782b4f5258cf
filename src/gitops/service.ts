import { join } from 'node:path';
import type { GitopsSourceSetting, Settings } from '../config/index.js';
import type { VerifyPolicy } from '../updater/verify.js';
import { describeError } from '../domain/errors.js';
import { redactText } from '../domain/redact.js';
import { applySource, type ApplyDeps, type ApplyResult } from './apply.js';
import { closeInterrupted } from './history.js';

/** A source's last apply: when it ended and what it came to. */
export interface LastApply {
  readonly at: number;
  readonly result: ApplyResult;
}

/**
 * Polls each source on its interval and applies new commits; `trigger` (the git webhook) applies
 * at once. Applies of one source never overlap: a trigger during an apply runs once more after it.
 */
export class GitopsService {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly running = new Map<string, Promise<ApplyResult>>();
  private readonly again = new Set<string>();
  private readonly last = new Map<string, LastApply>();
  private readonly controller = new AbortController();
  private stopped = false;

  constructor(
    private readonly deps: ApplyDeps,
    readonly sources: readonly GitopsSourceSetting[],
    /** When an apply ended (epoch ms), for the API's status of each source. */
    private readonly now: () => number = Date.now,
  ) {}

  /** What each source's last apply came to since this process started, and whether one runs now. */
  status(name: string): { readonly applying: boolean; readonly last: LastApply | undefined } {
    return { applying: this.running.has(name), last: this.last.get(name) };
  }

  /** Closes applies a killed predecessor left open, applies every source once, then polls. */
  start(): void {
    if (this.deps.journal) closeInterrupted(this.deps.journal);
    for (const source of this.sources) {
      void this.apply(source.name);
      const timer = setInterval(() => void this.apply(source.name), source.intervalMs);
      timer.unref();
      this.timers.set(source.name, timer);
    }
  }

  /** Sources whose URL matches (a webhook names its repository), or all; resolves to their names. */
  trigger(match?: (source: GitopsSourceSetting) => boolean): string[] {
    const chosen = this.sources.filter((source) => match?.(source) ?? true);
    for (const source of chosen) void this.apply(source.name);
    return chosen.map((source) => source.name);
  }

  /** Applies one source (waiting for an apply in flight, then once more). */
  apply(name: string): Promise<ApplyResult | undefined> {
    const source = this.sources.find((candidate) => candidate.name === name);
    if (!source || this.stopped) return Promise.resolve(undefined);
    const inFlight = this.running.get(name);
    if (inFlight) {
      this.again.add(name);
      return inFlight;
    }
    const run = applySource(this.deps, source, this.controller.signal)
      .catch((error: unknown): ApplyResult => {
        const reason = redactText(describeError(error));
        this.deps.logger.error({ gitops: name, reason }, 'gitops apply failed');
        return { kind: 'failed', reason, projects: [] };
      })
      .then((result) => {
        this.last.set(name, { at: this.now(), result });
        return result;
      })
      .finally(() => {
        this.running.delete(name);
        if (this.again.delete(name)) void this.apply(name);
      });
    this.running.set(name, run);
    return run;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers.values()) clearInterval(timer);
    this.again.clear();
    await Promise.allSettled([...this.running.values()]);
    this.controller.abort();
  }
}

/**
 * How the containers an apply starts are verified: the global --verify-timeout and --verify-window
 * (a project's containers' own tidewatch.verify.* labels are not read: compose creates them).
 */
export function gitopsVerifyPolicy(
  settings: Pick<Settings, 'verifyTimeoutMs' | 'verifyWindowMs'>,
): VerifyPolicy {
  return { timeoutMs: settings.verifyTimeoutMs, windowMs: settings.verifyWindowMs };
}

/** The checkouts' folder: --gitops-dir, else gitops/ beside the store. */
export function gitopsRoot(gitopsDir: string | undefined, storeFile: string): string {
  return gitopsDir ?? join(storeFile, '..', 'gitops');
}

/** The service of a running daemon, keyed by its event bus, for the webhook route to reach. */
const services = new WeakMap<object, GitopsService>();

export function registerGitops(owner: object, service: GitopsService): void {
  services.set(owner, service);
}

export function gitopsOf(owner: object): GitopsService | undefined {
  return services.get(owner);
}
