import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import type { CheckCycleResult } from '../scenarios/check-cycle.js';
import type { StrategyResult } from '../scenarios/downtime.js';
import type { FootprintResult } from '../scenarios/footprint.js';
import type { FleetControllerResult } from '../scenarios/fleet-controller.js';
import type { PushResult } from '../scenarios/push.js';
import type { BundleResult } from '../scenarios/bundle.js';
import type { ProxyDowntimeResult } from '../scenarios/proxy-downtime.js';
import { round } from './daemon.js';

export interface BenchResults {
  checkCycles: CheckCycleResult[];
  push?: PushResult;
  downtime: StrategyResult[];
  footprint?: FootprintResult;
  scale?: CheckCycleResult;
  /** A fleet controller with simulated members (bench/scenarios/fleet-controller.ts). */
  fleetController?: FleetControllerResult;
  /** Start-first behind nginx, caddy and haproxy (bench/scenarios/proxy-downtime.ts). */
  proxyDowntime?: ProxyDowntimeResult[];
  /** Offline bundles, full and delta (bench/scenarios/bundle.ts). */
  bundle?: BundleResult;
  /** Seconds it took to create the containers, per fleet size (setup, not Tidewatch). */
  setupSeconds: Record<string, number>;
}

export interface Budget {
  readonly budget: string;
  readonly measured: string;
  readonly met: boolean | undefined;
}

/** The budgets, against what this run measured (undefined: that scenario did not run). */
export function budgets(results: BenchResults): Budget[] {
  const c500 = results.checkCycles.find((cycle) => cycle.containers === 500);
  const warmInspects = results.checkCycles.map((cycle) => cycle.warm.engine.containerInspects);
  return [
    {
      budget: '500 containers over 50 images: one cycle under 1.5 s',
      measured: c500 ? `${c500.warm.wallMs} ms (first cycle ${c500.cold.wallMs} ms)` : '-',
      met: c500 && c500.warm.wallMs < 1500,
    },
    {
      budget: '... with at most 50 manifest requests',
      measured: c500 ? `${c500.warm.manifestRequests} (first cycle ${c500.cold.manifestRequests})` : '-',
      met: c500 && c500.warm.manifestRequests <= 50 && c500.cold.manifestRequests <= 50,
    },
    {
      budget: 'no container inspect on a cycle where nothing changed',
      measured: warmInspects.length ? `${warmInspects.join(', ')} inspects` : '-',
      met: warmInspects.length ? warmInspects.every((count) => count === 0) : undefined,
    },
    ...footprintBudgets(results),
    {
      budget: '1000 containers over 100 images: the cycle after nothing changed under 1 s',
      measured: results.scale ? `${results.scale.warm.wallMs} ms` : '-',
      met: results.scale && results.scale.warm.wallMs < 1000,
    },
    ...(results.proxyDowntime ?? []).map((r) => ({
      budget: `start-first behind ${r.proxy}, ${r.updates} updates: 0 failed requests`,
      measured: `${r.failed} of ${r.requests} failed`,
      met: r.failed === 0,
    })),
    ...fleetBudgets(results.fleetController),
    {
      budget: 'bundle delta of a one-layer change: at most that layer + 1% + 16 KB',
      measured: results.bundle
        ? `${results.bundle.delta.bytes} bytes (budget ${results.bundle.deltaBudgetBytes}; the full bundle ${results.bundle.full.bytes})`
        : '-',
      met: results.bundle && results.bundle.delta.bytes <= results.bundle.deltaBudgetBytes,
    },
  ];
}

/** Issue 24's budgets for the daemon itself, each also as a ratio to a bare node of the same run. */
function footprintBudgets(results: BenchResults): Budget[] {
  const f = results.footprint;
  const ratio = (value: number, floor: number): string =>
    floor > 0 ? ` = ${round(value / floor, 1)}× bare node` : '';
  return [
    {
      budget: 'webhook push to new container running: p50 at most 600 ms',
      measured: results.push ? `${results.push.runningP50Ms} ms (p95 ${results.push.runningP95Ms} ms)` : '-',
      met: results.push && results.push.runningP50Ms <= 600,
    },
    {
      budget: 'idle RSS at most 60 MB (100 containers watched, 60 s after the startup check)',
      measured: f ? `${f.rssEndMb} MB (at most ${f.rssMaxMb} MB)${ratio(f.rssEndMb, f.floor.rssMb)}` : '-',
      met: f && f.rssEndMb <= 60,
    },
    {
      budget: '... of it private (RssAnon) at most 18 MB',
      measured: f ? `${f.privateEndMb} MB${ratio(f.privateEndMb, f.floor.privateMb)}` : '-',
      met: f && f.privateEndMb <= 18,
    },
    {
      budget: 'startup to ready at most 250 ms (median of 5)',
      measured: f
        ? `${f.readyMs} ms${ratio(f.readyMs, f.floor.readyMs)}; the first start, no compile cache yet: ${f.readyColdMs} ms`
        : '-',
      met: f && f.readyMs <= 250,
    },
    {
      budget: 'CPU while idle under 0.2% of a core',
      measured: f ? `${f.cpuPercent}% (bare node ${f.floor.cpuPercent}%)` : '-',
      met: f && f.cpuPercent < 0.2,
    },
  ];
}

/** docs/fleet.md's budgets: one manifest request per reference per cycle, memory and speed per member. */
function fleetBudgets(fleet: FleetControllerResult | undefined): Budget[] {
  const largest = fleet?.sizes.at(-1)?.members;
  return [
    {
      budget: `fleet of ${largest ?? 1000} members × 20 images: at most 20 manifest requests per cycle`,
      measured: fleet ? String(fleet.manifestRequestsPerCycle) : '-',
      met: fleet && fleet.manifestRequestsPerCycle <= fleet.images,
    },
    {
      budget: 'fleet controller: under 50 KB of memory per member',
      measured: fleet ? `${fleet.kbPerMember} KB` : '-',
      met: fleet && fleet.kbPerMember < 50,
    },
    {
      budget: 'a new digest told to every member of a wave (1000) in under 2 s',
      measured: fleet ? `${fleet.instructAllMs} ms (${fleet.instructedMembers} members)` : '-',
      met: fleet && fleet.instructAllMs < 2000,
    },
  ];
}

function table(header: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number>>): string {
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ].join('\n');
}

export function markdown(results: BenchResults, date: string): string {
  const cycles = [...results.checkCycles, ...(results.scale ? [results.scale] : [])];
  const sections = [
    `# Tidewatch benchmark, ${date}`,
    `${cpus().length} CPUs (${cpus()[0]?.model ?? 'unknown'}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
    '## Budgets',
    table(
      ['budget', 'measured', 'met'],
      budgets(results).map((b) => [b.budget, b.measured, b.met === undefined ? '-' : b.met ? 'yes' : 'NO']),
    ),
    '## Check cycle',
    table(
      [
        'containers',
        'images',
        'cycle',
        'wall (ms)',
        'manifest req.',
        'token req.',
        '/v2/ req.',
        'engine calls',
        'container inspects',
        'image inspects',
        'peak RSS (MB)',
      ],
      cycles.flatMap((cycle) =>
        (['cold', 'warm'] as const).map((kind) => {
          const m = cycle[kind];
          return [
            cycle.containers,
            cycle.images,
            kind === 'cold' ? 'first' : 'next',
            m.wallMs,
            m.manifestRequests,
            m.tokenRequests,
            m.pingRequests,
            m.engine.total,
            m.engine.containerInspects,
            m.engine.imageInspects,
            kind === 'warm' ? cycle.peakRssMb : '',
          ];
        }),
      ),
    ),
  ];
  if (results.push) {
    const p = results.push;
    sections.push(
      '## Push to running',
      table(
        ['pushes', 'verify window (ms)', 'running p50', 'running p95', 'committed p50', 'committed p95'],
        [[p.pushes, p.verifyWindowMs, p.runningP50Ms, p.runningP95Ms, p.committedP50Ms, p.committedP95Ms]],
      ),
    );
  }
  if (results.downtime.length) {
    sections.push(
      '## Downtime',
      table(
        ['strategy', 'updates', 'requests', 'failed', 'longest gap (ms)', 'wall (s)'],
        results.downtime.map((r) => [
          r.strategy,
          r.updates,
          r.requests,
          r.failed,
          r.longestGapMs,
          r.wallSeconds,
        ]),
      ),
    );
  }
  if (results.proxyDowntime?.length) {
    sections.push(
      '## Start-first behind a proxy',
      table(
        ['proxy', 'updates', 'requests', 'failed', 'versions served', 'wall (s)', 'first failures'],
        results.proxyDowntime.map((r) => [
          r.proxy,
          r.updates,
          r.requests,
          r.failed,
          r.versionsSeen,
          r.wallSeconds,
          r.failures.join('; ').replace(/\|/g, '\\|') || '-',
        ]),
      ),
    );
  }
  if (results.footprint) {
    const f = results.footprint;
    sections.push(
      '## Footprint',
      table(
        [
          'containers',
          'startup to ready (ms)',
          'idle (s)',
          'RSS start (MB)',
          'RSS max (MB)',
          'RSS end (MB)',
          'of which private (MB)',
          'of which file pages (MB)',
          'CPU (%)',
        ],
        [
          [
            f.containers,
            `${f.readyMs} (${f.readySamplesMs.join(', ')})`,
            f.idleSeconds,
            f.rssStartMb,
            f.rssMaxMb,
            f.rssEndMb,
            f.privateEndMb,
            f.fileEndMb,
            f.cpuPercent,
          ],
          [
            'bare node',
            f.floor.readyMs,
            f.idleSeconds,
            '-',
            '-',
            f.floor.rssMb,
            f.floor.privateMb,
            round(f.floor.rssMb - f.floor.privateMb),
            f.floor.cpuPercent,
          ],
        ],
      ),
    );
  }
  if (results.fleetController) {
    const f = results.fleetController;
    sections.push(
      '## Fleet controller',
      table(
        ['members', 'images each', 'cycle (ms)', 'controller RSS (MB)'],
        [[0, f.images, '-', f.rssIdleMb], ...f.sizes.map((s) => [s.members, f.images, s.cycleMs, s.rssMb])],
      ),
    );
  }
  if (results.bundle) {
    const b = results.bundle;
    sections.push(
      '## Offline bundles',
      table(
        ['', 'bytes', 'create (ms)', 'apply (ms)'],
        [
          ['`docker save \\| gzip`', b.saveGzipBytes, '-', '-'],
          [`full bundle (${b.layers} layers)`, b.full.bytes, b.full.createMs, b.full.applyMs],
          ['delta bundle (--have, one layer changed)', b.delta.bytes, b.delta.createMs, b.delta.applyMs],
          ['the changed layer, compressed', b.changedLayerBytes, '-', '-'],
        ],
      ),
    );
  }
  return `${sections.join('\n\n')}\n`;
}

/** Writes bench/results/<date>.json and .md; returns the paths. */
export function writeResults(results: BenchResults): string[] {
  const date = new Date().toISOString();
  const stamp = date.replace(/[:.]/g, '-');
  mkdirSync('bench/results', { recursive: true });
  const json = `bench/results/${stamp}.json`;
  const md = `bench/results/${stamp}.md`;
  writeFileSync(json, `${JSON.stringify({ date, budgets: budgets(results), ...results }, null, 2)}\n`);
  writeFileSync(md, markdown(results, date));
  return [json, md];
}
