import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { round, sampleProcess, type ProcessSample } from './daemon.js';

/**
 * The floor every figure is compared with (issue 24): a bare `node` of the same binary that serves
 * one HTTP route and otherwise sleeps. Its startup is spawn to the first 200 (as /readyz is for
 * Tidewatch, polled the same way), its memory and CPU are read as Tidewatch's are.
 */
export interface NodeFloor {
  readonly readyMs: number;
  readonly rssMb: number;
  readonly privateMb: number;
  readonly cpuPercent: number;
}

const SERVER = `require('node:http').createServer((_, res) => res.end('ok')).listen(Number(process.argv[1]), '127.0.0.1');`;

async function startFloor(port: number): Promise<{ pid: number; readyMs: number; stop: () => void }> {
  const started = performance.now();
  const child = spawn(process.execPath, ['-e', SERVER, String(port)], { stdio: 'ignore' });
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error('a bare node did not answer within 10 s');
    }
    const ok = await fetch(`http://127.0.0.1:${port}/`).then(
      async (response) => (await response.arrayBuffer(), response.status === 200),
      () => false,
    );
    if (ok) return { pid: child.pid ?? -1, readyMs: performance.now() - started, stop: () => child.kill() };
    await sleep(5);
  }
}

/** The median of `starts` startups, then `idleSeconds` of idle memory and CPU of the last one. */
export async function measureNodeFloor(
  port: () => Promise<number>,
  starts: number,
  idleSeconds: number,
): Promise<NodeFloor> {
  const samples: number[] = [];
  for (let start = 1; start < starts; start++) {
    const floor = await startFloor(await port());
    samples.push(floor.readyMs);
    floor.stop();
  }
  const floor = await startFloor(await port());
  samples.push(floor.readyMs);
  try {
    await sleep(1000);
    const first: ProcessSample = sampleProcess(floor.pid);
    await sleep(idleSeconds * 1000);
    const last = sampleProcess(floor.pid);
    samples.sort((a, b) => a - b);
    return {
      readyMs: round(samples[Math.floor(samples.length / 2)] ?? 0, 0),
      rssMb: last.rssMb,
      privateMb: last.privateMb,
      cpuPercent: round(((last.cpuMs - first.cpuMs) / (idleSeconds * 1000)) * 100, 2),
    };
  } finally {
    floor.stop();
  }
}
