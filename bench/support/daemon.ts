import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../../test/lab/index.js';
import { MAIN, cliEnv } from '../../test/support/tidewatch.js';

export const TOKEN = 'bench-token-0123456789abcdef';

/** The CLI measured: the bundle bin/tidewatch.js runs (`npm run bench` builds it), or BENCH_MAIN. */
const ENTRY = process.env.BENCH_MAIN ?? MAIN;
/** Node flags for the measured process, space-separated (`--cpu-prof` to profile a scenario). */
const NODE_FLAGS = (process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter((flag) => flag !== '');

export interface BenchDaemon {
  readonly pid: number;
  readonly url: string;
  /** Milliseconds from spawn to the first 200 from /readyz. */
  readonly readyMs: number;
  readonly stderr: () => string;
  /** POST with the API token; the JSON answer. */
  post(path: string, body?: unknown): Promise<unknown>;
  stop(): Promise<void>;
}

export { freePort };

/**
 * `tidewatch run ARGS` from dist/, with its API on a free loopback port and a data dir of its
 * own; resolves once /readyz answers 200 (polled every 5 ms, so readyMs is startup to ready).
 */
export async function startBenchDaemon(
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
): Promise<BenchDaemon> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'tw-bench-data-'));
  const started = performance.now();
  const child: ChildProcess = spawn(process.execPath, [...NODE_FLAGS, ENTRY, 'run', ...args], {
    env: cliEnv({
      TIDEWATCH_DATA_DIR: dataDir,
      TIDEWATCH_API_TOKEN: TOKEN,
      TIDEWATCH_HTTP_ADDR: `127.0.0.1:${port}`,
      ...env,
    }),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  let readyMs: number | undefined;
  const deadline = Date.now() + 30_000;
  while (readyMs === undefined) {
    if (Date.now() > deadline || child.exitCode !== null) {
      child.kill('SIGKILL');
      throw new Error(`tidewatch run did not become ready: ${stderr.slice(-2000)}`);
    }
    try {
      const response = await fetch(`${url}/readyz`);
      await response.arrayBuffer();
      if (response.status === 200) readyMs = performance.now() - started;
    } catch {
      // not listening yet
    }
    if (readyMs === undefined) await sleep(5);
  }
  return {
    pid: child.pid ?? -1,
    url,
    readyMs,
    stderr: () => stderr,
    post: async (path, body) => {
      const response = await fetch(`${url}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      if (response.status >= 300) throw new Error(`POST ${path}: ${response.status} ${text}`);
      return JSON.parse(text) as unknown;
    },
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface ProcessSample {
  /** Resident set now, and its peak so far (VmHWM), in MB. */
  readonly rssMb: number;
  readonly peakRssMb: number;
  /**
   * The resident set split: private memory (RssAnon: the heap and everything else this process
   * allocated) and pages of files (RssFile: mostly the node binary, shared with every other node
   * process and reclaimable), in MB.
   */
  readonly privateMb: number;
  readonly fileMb: number;
  /** CPU time used so far (user + system), in ms. */
  readonly cpuMs: number;
}

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** RSS, peak RSS and CPU time of a process, from /proc. */
export function sampleProcess(pid: number): ProcessSample {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string): number =>
    Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
  // Fields after the command name (which may hold spaces) start after the last ')'.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15)
  return {
    rssMb: round(kb('VmRSS') / 1024),
    peakRssMb: round(kb('VmHWM') / 1024),
    privateMb: round(kb('RssAnon') / 1024),
    fileMb: round(kb('RssFile') / 1024),
    cpuMs: (ticks * 1000) / TICKS_PER_SECOND,
  };
}

export function round(value: number, digits = 1): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

/** The p-th percentile (0..100) of values, nearest rank. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(0, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[rank] ?? Number.NaN;
}
