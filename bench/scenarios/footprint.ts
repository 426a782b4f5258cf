import { setTimeout as sleep } from 'node:timers/promises';
import { eventually } from '../../test/support/images.js';
import { round, sampleProcess, startBenchDaemon } from '../support/daemon.js';

export interface FootprintResult {
  readonly containers: number;
  readonly readyMs: number;
  readonly idleSeconds: number;
  /** RSS once the startup check is done, at the end, and the highest sample in between (MB). */
  readonly rssStartMb: number;
  readonly rssEndMb: number;
  readonly rssMaxMb: number;
  /** CPU used while idle, as a share of one core (%). */
  readonly cpuPercent: number;
  readonly cpuMs: number;
}

/**
 * `tidewatch run` watching `containers` containers, as deployed: startup check, then idle (an
 * hour's interval) for IDLE seconds, with RSS sampled every second and CPU time read from /proc.
 */
export async function measureFootprint(
  scope: string,
  containers: number,
  idleSeconds: number,
): Promise<FootprintResult> {
  const daemon = await startBenchDaemon(['--scope', scope, '--interval', '1h']);
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
      readyMs: round(daemon.readyMs, 0),
      idleSeconds,
      rssStartMb: first.rssMb,
      rssEndMb: last.rssMb,
      rssMaxMb,
      cpuPercent: round((cpuMs / (idleSeconds * 1000)) * 100, 2),
      cpuMs,
    };
  } finally {
    await daemon.stop();
  }
}
