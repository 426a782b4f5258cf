import type { Clock, Sleep } from '../domain/clock.js';
import { describeError } from '../domain/errors.js';
import type { ContainerStatus } from '../domain/index.js';
import type { Engine } from '../engine/index.js';

/** How a new container proves itself before the old one is let go. */
export interface VerifyPolicy {
  /** With a healthcheck: the time it has to report `healthy`. */
  readonly timeoutMs: number;
  /** Without one: the time it must keep running with no exit and no restart. */
  readonly windowMs: number;
  /** Optional probe: a command run with `sh -c` in the container must exit 0. */
  readonly command?: string | undefined;
  /** Optional probe: a URL fetched from Tidewatch must answer 2xx or 3xx. */
  readonly httpUrl?: string | undefined;
}

export type Verdict = { readonly ok: true } | { readonly ok: false; readonly reason: string };

export interface VerifyDeps {
  readonly engine: Engine;
  readonly now: Clock;
  readonly sleep: Sleep;
  readonly fetch?: typeof fetch;
  /** How often the container's state is read. */
  readonly pollMs?: number;
}

const DEFAULT_POLL_MS = 250;
/**
 * How often a health check is run on an engine that runs none itself (Podman without systemd):
 * once a second while the container is `starting`, whatever its own interval. A check that must
 * fail `retries` times in a row to mark it unhealthy then takes `retries` seconds, not minutes.
 */
const HEALTH_RUN_EVERY_MS = 1000;
const PROBE_TIMEOUT_MS = 10_000;

/**
 * Decides whether a freshly started container is good: healthy within the timeout when it has a
 * healthcheck, otherwise still running and never restarted through the stability window; then the
 * optional command and HTTP probes. Every failure is a value with a reason a user can act on.
 */
export async function verifyContainer(
  deps: VerifyDeps,
  id: string,
  policy: VerifyPolicy,
  signal?: AbortSignal,
): Promise<Verdict> {
  const first = await deps.engine.containerStatus(id);
  if (!first) return { ok: false, reason: 'the new container disappeared' };
  const verdict =
    first.health === 'none'
      ? await watchStability(deps, id, first, policy.windowMs, signal)
      : await waitHealthy(deps, id, policy.timeoutMs, signal);
  if (!verdict.ok) return verdict;
  if (policy.command !== undefined) {
    const probe = await commandProbe(deps.engine, id, policy.command);
    if (!probe.ok) return probe;
  }
  if (policy.httpUrl !== undefined) return httpProbe(deps.fetch ?? fetch, policy.httpUrl, signal);
  return { ok: true };
}

async function waitHealthy(
  deps: VerifyDeps,
  id: string,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<Verdict> {
  const deadline = deps.now() + timeoutMs;
  let lastRun: number | undefined;
  for (;;) {
    const status = await deps.engine.containerStatus(id);
    const down = notRunning(status);
    if (down) return { ok: false, reason: down };
    if (status?.health === 'healthy') return { ok: true };
    const runHealthcheck = deps.engine.runHealthcheck;
    if (
      status?.health === 'starting' &&
      runHealthcheck &&
      (lastRun ?? -Infinity) + HEALTH_RUN_EVERY_MS <= deps.now()
    ) {
      lastRun = deps.now();
      // A run that fails (the engine busy, the container just gone) is left to the next poll: the
      // status read above and the deadline decide, as with an engine that runs its own checks.
      await runHealthcheck(id).catch(() => undefined);
      continue;
    }
    if (status?.health === 'unhealthy') return { ok: false, reason: 'its healthcheck reported unhealthy' };
    if (deps.now() >= deadline) {
      return {
        ok: false,
        reason: `it was not healthy within ${timeoutMs / 1000}s (still ${status?.health})`,
      };
    }
    await deps.sleep(deps.pollMs ?? DEFAULT_POLL_MS, signal);
  }
}

async function watchStability(
  deps: VerifyDeps,
  id: string,
  first: ContainerStatus,
  windowMs: number,
  signal?: AbortSignal,
): Promise<Verdict> {
  const end = deps.now() + windowMs;
  for (;;) {
    const status = await deps.engine.containerStatus(id);
    const down = notRunning(status);
    if (down) return { ok: false, reason: `${down} within the ${windowMs / 1000}s stability window` };
    if (status && (status.restartCount > first.restartCount || status.startedAt !== first.startedAt)) {
      return { ok: false, reason: `it restarted within the ${windowMs / 1000}s stability window` };
    }
    if (deps.now() >= end) return { ok: true };
    await deps.sleep(Math.min(deps.pollMs ?? DEFAULT_POLL_MS, Math.max(0, end - deps.now())), signal);
  }
}

function notRunning(status: ContainerStatus | undefined): string | undefined {
  if (!status) return 'the new container disappeared';
  if (status.state === 'running') return undefined;
  if (status.state === 'restarting') return 'it is restarting';
  return `it exited with code ${status.exitCode}`;
}

async function commandProbe(engine: Engine, id: string, command: string): Promise<Verdict> {
  try {
    const result = await engine.exec(id, ['sh', '-c', command], { timeoutMs: PROBE_TIMEOUT_MS });
    if (result.kind === 'timed-out')
      return { ok: false, reason: `the verify command did not finish within 10s` };
    if (result.exitCode === 0) return { ok: true };
    const lastLine = result.output.trim().split('\n').at(-1) ?? '';
    return {
      ok: false,
      reason: `the verify command exited ${result.exitCode}${lastLine ? `: ${lastLine}` : ''}`,
    };
  } catch (error) {
    return { ok: false, reason: `the verify command could not run: ${describeError(error)}` };
  }
}

async function httpProbe(fetchImpl: typeof fetch, url: string, signal?: AbortSignal): Promise<Verdict> {
  const timeout = AbortSignal.timeout(PROBE_TIMEOUT_MS);
  try {
    const response = await fetchImpl(url, {
      redirect: 'manual',
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
    await response.body?.cancel();
    if (response.status >= 200 && response.status < 400) return { ok: true };
    return { ok: false, reason: `the verify URL ${url} answered ${response.status}` };
  } catch (error) {
    return { ok: false, reason: `the verify URL ${url} did not answer: ${describeError(error)}` };
  }
}
