import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, it } from 'vitest';
import { assertEngine, cleanupLab, startRegistry, uniqueName, type LabRegistry } from '../test/lab/index.js';
import { measureCheckCycle } from './scenarios/check-cycle.js';
import { measureDowntime } from './scenarios/downtime.js';
import { measureProxyDowntime, type ProxyDriver } from './scenarios/proxy-downtime.js';
import { Fleet } from './scenarios/fleet.js';
import { measureFleetController } from './scenarios/fleet-controller.js';
import { measureFootprint } from './scenarios/footprint.js';
import { measureBundles } from './scenarios/bundle.js';
import { measurePushToRunning } from './scenarios/push.js';
import { round } from './support/daemon.js';
import { writeResults, type BenchResults } from './support/report.js';

/**
 * `npm run bench`: every scenario of docs/performance.md against the lab, one after the other,
 * then bench/results/<date>.json and .md. It measures; it asserts nothing about time. One
 * scenario: `npm run bench -- -t push`. BENCH_UPDATES (downtime, default 10), BENCH_PROXY_UPDATES
 * (downtime behind each proxy, default 20), BENCH_PUSHES
 * (default 20), BENCH_IDLE_SECONDS (default 60) and BENCH_MAX_CONTAINERS (default 1000) change the
 * counts; BENCH_FLEET_MEMBERS (default 1000) the simulated hosts of `-t fleet`, BENCH_BUNDLE_MB
 * (default 20) the payload layer of `-t bundle`.
 */
const UPDATES = Number(process.env.BENCH_UPDATES ?? 10);
/** Updates behind each proxy (issue 24: 20). */
const PROXY_UPDATES = Number(process.env.BENCH_PROXY_UPDATES ?? 20);
const PROXY_DRIVERS: readonly ProxyDriver[] = ['nginx', 'caddy', 'haproxy'];
const PUSHES = Number(process.env.BENCH_PUSHES ?? 20);
const IDLE_SECONDS = Number(process.env.BENCH_IDLE_SECONDS ?? 60);
/** The largest fleet (default 1000); smaller skips the larger sizes, for a quick look. */
const MAX_CONTAINERS = Number(process.env.BENCH_MAX_CONTAINERS ?? 1000);
const VERIFY_WINDOW_MS = 2000;
/** Simulated hosts of the fleet controller scenario (default 1000; 100 is also measured). */
const FLEET_MEMBERS = Number(process.env.BENCH_FLEET_MEMBERS ?? 1000);
/** The payload layer of the bundle scenario, in MB. */
const BUNDLE_MB = Number(process.env.BENCH_BUNDLE_MB ?? 20);

let registry: LabRegistry;
let fleet: Fleet;
const results: BenchResults = { checkCycles: [], downtime: [], setupSeconds: {} };

beforeAll(async () => {
  await assertEngine();
  registry = await startRegistry();
  fleet = new Fleet(registry, uniqueName('bench-scope'), uniqueName('bench'));
});
afterAll(async () => {
  const files = writeResults(results);
  await fleet?.remove();
  await cleanupLab();
  await registry?.stop();
  console.log(readFileSync(files[1] ?? '', 'utf8'));
  console.log(`written to ${files.join(' and ')}`);
});

async function grow(size: number): Promise<void> {
  if (fleet.size >= size) return;
  results.setupSeconds[String(size)] = round((await fleet.growTo(size)) / 1000);
}

it('push to running', async () => {
  results.push = await measurePushToRunning(registry, PUSHES, VERIFY_WINDOW_MS);
});

it('downtime', async () => {
  for (const strategy of ['stop-first', 'start-first'] as const)
    results.downtime.push(await measureDowntime(registry, strategy, UPDATES));
});

it('downtime behind a proxy: start-first behind nginx, caddy and haproxy', async () => {
  results.proxyDowntime = [];
  for (const driver of PROXY_DRIVERS)
    results.proxyDowntime.push(await measureProxyDowntime(registry, driver, PROXY_UPDATES));
});

it('check cycle 10, 100; footprint at 100; check cycle 500; scale 1000', async () => {
  for (const size of [10, 100, 500].filter((n) => n <= MAX_CONTAINERS)) {
    await grow(size);
    results.checkCycles.push(await measureCheckCycle(registry, fleet.scope, fleet.size, fleet.imageCount));
    if (size === 100) results.footprint = await measureFootprint(fleet.scope, fleet.size, IDLE_SECONDS);
  }
  if (MAX_CONTAINERS < 1000) return;
  await grow(1000);
  results.scale = await measureCheckCycle(registry, fleet.scope, fleet.size, fleet.imageCount);
});

it('fleet controller: simulated members, 20 images each', async () => {
  const sizes = [100, FLEET_MEMBERS].filter((n, i, all) => all.indexOf(n) === i && n <= FLEET_MEMBERS);
  results.fleetController = await measureFleetController(registry, uniqueName('bench-fleet'), sizes, 20);
});

it('bundle: full and --have delta of a one-layer change, against docker save | gzip', async () => {
  results.bundle = await measureBundles(registry, BUNDLE_MB * 1024 * 1024);
});
