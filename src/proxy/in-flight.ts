import { EXEC_OUTPUT_BYTES, type Engine, type ExecResult } from '../engine/index.js';
import type { Clock, Sleep } from '../domain/index.js';

/** TCP state 01 in /proc/net/tcp: ESTABLISHED (include/net/tcp_states.h). */
const ESTABLISHED = '01';
const POLL_MS = 100;

/**
 * Open connections to `port` inside the container, from its own /proc/net/tcp and tcp6 (read
 * through exec, so it works where Tidewatch itself runs in a container). Counted in the container
 * with grep where it has a shell and grep: under load the tables hold thousands of closed
 * connections, more than an exec's output keeps. Else the tables are read whole with cat, and a
 * table cut short counts as unreadable. undefined when they cannot be read (no `cat` in the image,
 * the container gone, a table too long).
 */
export async function establishedTo(
  engine: Engine,
  containerId: string,
  port: number,
): Promise<number | undefined> {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const pattern = `^ *[0-9]+: [0-9A-F]+:${hexPort} [0-9A-F]+:[0-9A-F]+ ${ESTABLISHED} `;
  const counted = await run(engine, containerId, [
    'sh',
    '-c',
    `cat /proc/net/tcp /proc/net/tcp6 2>/dev/null | grep -cE '${pattern}'`,
  ]);
  // grep -c prints the count, and exits 1 when it is 0.
  if (counted?.kind === 'exited' && /^\d+$/.test(counted.output.trim())) return Number(counted.output.trim());
  const read = await run(engine, containerId, ['cat', '/proc/net/tcp', '/proc/net/tcp6']);
  // tcp6 is missing where IPv6 is off: cat still prints tcp, then exits 1.
  if (read?.kind !== 'exited' || !read.output.includes('local_address')) return undefined;
  if (read.output.length >= EXEC_OUTPUT_BYTES - 256) return undefined;
  return read.output
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter(([, local, , state]) => local?.endsWith(`:${hexPort}`) === true && state === ESTABLISHED).length;
}

function run(engine: Engine, id: string, command: readonly string[]): Promise<ExecResult | undefined> {
  return engine.exec(id, command, { timeoutMs: 5_000 }).catch(() => undefined);
}

export interface DrainResult {
  /** idle: no connection was left; timed-out: some were, at the end of --drain; blind: not readable, --drain waited in full. */
  readonly outcome: 'idle' | 'timed-out' | 'blind';
  readonly waitedMs: number;
}

/**
 * Waits until the old container has no connection open to its served port (the proxy no longer
 * sends it requests, so the count only falls), at most `maxMs` (--drain). Where the count cannot
 * be read it waits `maxMs` in full, as without a proxy.
 */
export async function waitUntilIdle(
  deps: { readonly engine: Engine; readonly sleep: Sleep; readonly now: Clock },
  containerId: string,
  port: number,
  maxMs: number,
): Promise<DrainResult> {
  const started = deps.now();
  for (;;) {
    const open = await establishedTo(deps.engine, containerId, port);
    const waitedMs = deps.now() - started;
    if (open === undefined) {
      await deps.sleep(Math.max(0, maxMs - waitedMs));
      return { outcome: 'blind', waitedMs: Math.max(maxMs, waitedMs) };
    }
    if (open === 0) return { outcome: 'idle', waitedMs };
    if (waitedMs >= maxMs) return { outcome: 'timed-out', waitedMs };
    await deps.sleep(Math.min(POLL_MS, maxMs - waitedMs));
  }
}
