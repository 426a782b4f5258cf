import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { storeFile, withFleetTokens } from '../../src/store/index.js';
import { buildAndPush, type LabRegistry } from '../../test/lab/index.js';
import { round, sampleProcess, startBenchDaemon, type BenchDaemon } from '../support/daemon.js';

const SIM = fileURLToPath(new URL('../support/fleet-sim.mjs', import.meta.url));
/** Simulated members per process. */
const MEMBERS_PER_PROCESS = 250;
/** The controller's cycle: long enough that one cycle is seen alone. */
const INTERVAL_S = 10;
/**
 * How long the controller settles before its memory is sampled: V8's memory reducer shrinks the
 * heap after some seconds of little allocation, as a controller between cycles has.
 */
const SETTLE_MS = 30_000;

export interface FleetControllerResult {
  readonly images: number;
  /** Manifest requests of one fleet cycle with every member connected. */
  readonly manifestRequestsPerCycle: number;
  readonly sizes: readonly {
    readonly members: number;
    readonly cycleMs: number;
    readonly rssMb: number;
  }[];
  /** Controller RSS with no member connected. */
  readonly rssIdleMb: number;
  /**
   * What each further member costs: the RSS growth from the smallest size to the largest, per
   * member. The step from no member to the first ones is the heap's own growth, paid once.
   */
  readonly kbPerMember: number;
  /** From the check that found a new digest to the last member of wave 0 told (all members). */
  readonly instructAllMs: number;
  readonly instructedMembers: number;
}

interface SimMessage {
  readonly type: 'connected' | 'targets' | 'error';
  readonly member: string;
  readonly at?: number;
  readonly digests?: string[];
  readonly reason?: string;
}

/** Controller log lines with this message, parsed. */
function logLines(daemon: BenchDaemon, msg: string): Array<Record<string, unknown>> {
  return daemon
    .stderr()
    .split('\n')
    .filter((line) => line.includes(`"msg":"${msg}"`))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

async function until<T>(read: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`fleet bench: ${what} did not happen within ${timeoutMs} ms`);
    await sleep(50);
  }
}

const timeOf = (line: Record<string, unknown>): number =>
  typeof line.time === 'number' ? line.time : Date.parse(String(line.time));

/**
 * A controller (`run --fleet`) with simulated members (bench/support/fleet-sim.mjs), each running
 * `images` containers on `images` references of the lab registry: its cycle time and memory at
 * each size, the registry requests of one cycle, and how long a new digest takes to reach every
 * member of a wave.
 */
export async function measureFleetController(
  registry: LabRegistry,
  name: string,
  sizes: readonly number[],
  images: number,
): Promise<FleetControllerResult> {
  const repos = Array.from({ length: images }, (_, i) => `${registry.host}/${name}-${i}`);
  const containers = [];
  for (const [i, repo] of repos.entries()) {
    const { digest } = await buildAndPush(`${repo}:1`);
    containers.push({ name: `app-${i}`, ref: `${repo}:1`, digest });
  }
  const largest = Math.max(...sizes);
  const dataDir = mkdtempSync(join(tmpdir(), 'tw-bench-fleet-'));
  const members = withFleetTokens(storeFile(dataDir), Date.now, (tokens) =>
    Array.from({ length: largest }, (_, i) => ({
      name: `sim-${i}`,
      token: tokens.create(`sim-${i}`),
      wave: 0,
    })),
  );
  const controller = await startBenchDaemon(
    ['--fleet', '--scope', `${name}-none`, '--interval', `${INTERVAL_S}s`, '--wave-soak', '1h'],
    { TIDEWATCH_DATA_DIR: dataDir },
  );
  const sims: ChildProcess[] = [];
  const connected = new Set<string>();
  const told = new Map<string, Map<string, number>>();
  const errors: string[] = [];
  const onMessage = (message: SimMessage): void => {
    if (message.type === 'connected') connected.add(message.member);
    else if (message.type === 'error') errors.push(`${message.member}: ${message.reason ?? ''}`);
    else
      for (const digest of message.digests ?? []) {
        const byMember = told.get(digest) ?? new Map<string, number>();
        if (!byMember.has(message.member)) byMember.set(message.member, message.at ?? 0);
        told.set(digest, byMember);
      }
  };
  try {
    await sleep(SETTLE_MS);
    const rssIdleMb = sampleProcess(controller.pid).rssMb;
    const results: { members: number; cycleMs: number; rssMb: number }[] = [];
    let manifestRequestsPerCycle = 0;
    for (const size of [...sizes].sort((a, b) => a - b)) {
      for (let from = connected.size; from < size; from += MEMBERS_PER_PROCESS) {
        const sim = fork(SIM, [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
        sim.on('message', onMessage);
        sim.send({
          url: controller.url,
          members: members.slice(from, Math.min(size, from + MEMBERS_PER_PROCESS)),
          containers,
        });
        sims.push(sim);
      }
      await until(
        () => (connected.size >= size ? true : undefined),
        120_000,
        `${size} members connected (${errors.slice(0, 3).join('; ')})`,
      );
      // A whole cycle after every member is in: the registry requests and time of that cycle.
      const seen = logLines(controller, 'fleet check finished').length;
      await until(
        () => (logLines(controller, 'fleet check finished').length > seen ? true : undefined),
        3 * INTERVAL_S * 1000,
        'a fleet check',
      );
      registry.resetRequests();
      const before = logLines(controller, 'fleet check finished').length;
      const line = await until(
        () => logLines(controller, 'fleet check finished')[before],
        3 * INTERVAL_S * 1000,
        'the next fleet check',
      );
      await registry.flush();
      if (size === largest) manifestRequestsPerCycle = registry.manifestRequests().length;
      await sleep(SETTLE_MS);
      results.push({
        members: size,
        cycleMs: Number(line.durationMs),
        rssMb: sampleProcess(controller.pid).rssMb,
      });
    }

    // A new digest of the first image: every member runs it, all in wave 0.
    const { digest } = await buildAndPush(`${repos[0] ?? ''}:1`);
    const started = await until(
      () => logLines(controller, 'rollout started').find((l) => l.digest === digest),
      3 * INTERVAL_S * 1000,
      'the rollout of the new digest',
    );
    const reached = await until(
      () => {
        const byMember = told.get(digest);
        return byMember && byMember.size >= largest ? byMember : undefined;
      },
      60_000,
      'every member told the new digest',
    );
    const first = results[0];
    const last = results.at(-1);
    return {
      images,
      manifestRequestsPerCycle,
      sizes: results,
      rssIdleMb,
      kbPerMember:
        first && last && last.members > first.members
          ? round(((last.rssMb - first.rssMb) * 1024) / (last.members - first.members))
          : round((((last?.rssMb ?? rssIdleMb) - rssIdleMb) * 1024) / largest),
      instructAllMs: Math.max(...reached.values()) - timeOf(started),
      instructedMembers: reached.size,
    };
  } finally {
    for (const sim of sims) sim.kill();
    await controller.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
