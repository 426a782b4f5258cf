import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { eventually } from '../../test/support/images.js';
import { freePort, percentile, round, sampleProcess, startBenchDaemon } from '../support/daemon.js';
import { measureNodeFloor, type NodeFloor } from '../support/node-floor.js';

export interface FootprintResult {
  readonly containers: number;
  /** Startup to /readyz: the median of STARTS starts with the compile cache, and each of them (ms). */
  readonly readyMs: number;
  readonly readySamplesMs: readonly number[];
  /** The start before them, with an empty compile cache (src/boot/run-bundle.ts), which writes it. */
  readonly readyColdMs: number;
  readonly idleSeconds: number;
  /** RSS once the startup check is done, at the end, and the highest sample in between (MB). */
  readonly rssStartMb: number;
  readonly rssEndMb: number;
  readonly rssMaxMb: number;
  /** Of rssEndMb: private memory and file pages (see ProcessSample). */
  readonly privateEndMb: number;
  readonly fileEndMb: number;
  /** CPU used while idle, as a share of one core (%). */
  readonly cpuPercent: number;
  readonly cpuMs: number;
  /** A bare node measured the same way in the same run: each figure above is also a ratio to it. */
  readonly floor: NodeFloor;
}

/** Starts measured for startup to ready: one start is at the mercy of whatever else the host does. */
const STARTS = 5;

/**
 * `tidewatch run` watching `containers` containers, as deployed: startup check, then idle (an
 * hour's interval) for IDLE seconds, with RSS sampled every second and CPU time read from /proc.
 */
export async function measureFootprint(
  scope: string,
  containers: number,
  idleSeconds: number,
): Promise<FootprintResult> {
  const floor = await measureNodeFloor(freePort, STARTS, idleSeconds);
  // A compile cache of this run's own: the first start finds it empty (as after an install or an
  // upgrade) and writes it at its exit; the measured starts then use it, as every later start does.
  const cache = { TIDEWATCH_COMPILE_CACHE: mkdtempSync(join(tmpdir(), 'tw-bench-compile-cache-')) };
  const quickStart = async (): Promise<number> => {
    const quick = await startBenchDaemon(['--scope', scope, '--interval', '1h', '--no-startup-check'], cache);
    await quick.stop();
    return round(quick.readyMs, 0);
  };
  const readyColdMs = await quickStart();
  const readySamplesMs: number[] = [];
  for (let start = 0; start < STARTS; start++) readySamplesMs.push(await quickStart());
  const daemon = await startBenchDaemon(['--scope', scope, '--interval', '1h'], cache);
  try {
    const done = await eventually(daemon.stderr, (text) => text.includes('"check finished"'), 120_000);
    if (!done.includes('"check finished"')) throw new Error('the startup check did not finish');
    await sleep(1000); // let the startup check's garbage settle into the idle state
    const first = sampleProcess(daemon.pid);
    let rssMaxMb = first.rssMb;
    for (let second = 0; second < idleSeconds; second++) {
      await sleep(1000);
      rssMaxMb = Math.max(rssMaxMb, sampleProcess(daemon.pid).rssMb);
    }
    const last = sampleProcess(daemon.pid);
    const cpuMs = last.cpuMs - first.cpuMs;
    return {
      containers,
      readyMs: percentile(readySamplesMs, 50),
      readySamplesMs,
      readyColdMs,
      idleSeconds,
      rssStartMb: first.rssMb,
      rssEndMb: last.rssMb,
      rssMaxMb,
      privateEndMb: last.privateMb,
      fileEndMb: last.fileMb,
      cpuPercent: round((cpuMs / (idleSeconds * 1000)) * 100, 2),
      cpuMs,
      floor,
    };
  } finally {
    await daemon.stop();
    rmSync(cache.TIDEWATCH_COMPILE_CACHE, { recursive: true, force: true });
  }
}
