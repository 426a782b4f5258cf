import { mkdirSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, it } from 'vitest';
import { assertEngine, cleanupLab, startRegistry, type LabRegistry } from '../test/lab/index.js';
import { measureDowntime, type StrategyResult } from './scenarios/downtime.js';
import { measureProxyDowntime, type ProxyDowntimeResult } from './scenarios/proxy-downtime.js';

/**
 * `npm run bench:downtime`: the downtime scenario alone (bench/scenarios/downtime.ts), UPDATES
 * updates with each strategy; `npm run bench` runs it among the others.
 */
const UPDATES = Number(process.env.BENCH_UPDATES ?? 20);

let registry: LabRegistry;
const results: StrategyResult[] = [];
const behindProxies: ProxyDowntimeResult[] = [];

beforeAll(async () => {
  await assertEngine();
  registry = await startRegistry();
});
afterAll(async () => {
  await cleanupLab();
  await registry?.stop();
  mkdirSync('bench/results', { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const file = `bench/results/downtime-${stamp}.json`;
  writeFileSync(
    file,
    `${JSON.stringify({ date: new Date().toISOString(), updates: UPDATES, results, behindProxies }, null, 2)}\n`,
  );
  const rows = [
    ...results.map(
      (r) =>
        `| ${r.strategy} | ${r.updates} | ${r.requests} | ${r.failed} | ${r.longestGapMs} | ${r.wallSeconds} |`,
    ),
    ...behindProxies.map(
      (r) =>
        `| start-first behind ${r.proxy} | ${r.updates} | ${r.requests} | ${r.failed} | - | ${r.wallSeconds} |`,
    ),
  ];
  console.log(
    [
      '| strategy | updates | requests | failed | longest gap (ms) | wall (s) |',
      '|---|---|---|---|---|---|',
      ...rows,
    ].join('\n'),
  );
  console.log(`written to ${file}`);
});

it('stop-first', async () => {
  results.push(await measureDowntime(registry, 'stop-first', UPDATES));
});

it('start-first', async () => {
  results.push(await measureDowntime(registry, 'start-first', UPDATES));
});

for (const driver of ['nginx', 'caddy', 'haproxy'] as const) {
  it(`start-first behind ${driver}`, async () => {
    behindProxies.push(await measureProxyDowntime(registry, driver, UPDATES));
  });
}
