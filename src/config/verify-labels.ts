import { found, invalid } from './label-values.js';
import { parseDurationMs } from './duration.js';
import { STRATEGIES, isStrategy, type Strategy } from './strategy.js';

/** How this container's new version proves itself; each field unset means the global setting. */
export interface VerifyLabels {
  /** `tidewatch.verify.timeout`: with a healthcheck, the time it has to become healthy. */
  readonly timeoutMs?: number;
  /** `tidewatch.verify.window`: without one, the time it must keep running with no restart. */
  readonly windowMs?: number;
  /** `tidewatch.verify.cmd`: run with `sh -c` in the new container; it must exit 0. */
  readonly command?: string;
  /** `tidewatch.verify.http`: fetched by Tidewatch; it must answer 2xx or 3xx. */
  readonly httpUrl?: string;
}

export interface RolloutLabels {
  readonly verify: VerifyLabels;
  /** `tidewatch.strategy`; undefined: the global --strategy. */
  readonly strategy: Strategy | undefined;
  /** `tidewatch.drain`; undefined: the global --drain. */
  readonly drainMs: number | undefined;
  /** `tidewatch.stop-timeout`; undefined: the container's own StopTimeout, else --stop-timeout. */
  readonly stopTimeoutMs: number | undefined;
}

// Tidewatch's own labels only: Watchtower never verified or had strategies, so it has no name for them.
type Labels = Readonly<Record<string, string>>;

function duration(labels: Labels, name: string, zero: 'allowed' | 'refused'): number | undefined {
  const label = found(labels, name);
  if (label === undefined) return undefined;
  const ms = parseDurationMs(label.value);
  if (ms === undefined || (ms === 0 && zero === 'refused')) {
    throw invalid(label, `must be a duration such as ${zero === 'allowed' ? '0, ' : ''}30s or 2m`);
  }
  return ms;
}

function httpUrl(labels: Labels): string | undefined {
  const label = found(labels, 'verify.http');
  if (label === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(label.value);
  } catch {
    throw invalid(label, 'must be an absolute http:// or https:// URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw invalid(label, 'must be an absolute http:// or https:// URL');
  }
  return label.value;
}

function strategy(labels: Labels): Strategy | undefined {
  const label = found(labels, 'strategy');
  if (label === undefined) return undefined;
  const value = label.value.toLowerCase();
  if (!isStrategy(value))
    throw invalid(label, `must be ${STRATEGIES.join(', ').replace(/, (?=[^,]*$)/, ' or ')}`);
  return value;
}

/**
 * Reads the verification and strategy labels. An empty label counts as unset. A malformed value
 * throws one line naming the label and the cause, as the other labels do.
 */
export function readVerifyLabels(labels: Labels): RolloutLabels {
  const timeoutMs = duration(labels, 'verify.timeout', 'refused');
  const windowMs = duration(labels, 'verify.window', 'refused');
  const command = found(labels, 'verify.cmd')?.value;
  const url = httpUrl(labels);
  return {
    verify: {
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
      ...(windowMs === undefined ? {} : { windowMs }),
      ...(command === undefined ? {} : { command }),
      ...(url === undefined ? {} : { httpUrl: url }),
    },
    strategy: strategy(labels),
    drainMs: duration(labels, 'drain', 'allowed'),
    stopTimeoutMs: readStopTimeoutLabel(labels),
  };
}

/**
 * `tidewatch.stop-timeout` alone: the time this container gets to stop before it is killed, over
 * its own StopTimeout and --stop-timeout (0: killed at once). Read again for each member of a group
 * when it is stopped, so a dependent's own label counts too.
 */
export function readStopTimeoutLabel(labels: Labels): number | undefined {
  return duration(labels, 'stop-timeout', 'allowed');
}
