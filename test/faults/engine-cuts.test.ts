import pLimit from 'p-limit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEngineProxy, type MutatingRequest } from '../lab/index.js';
import { useLab } from '../support/lab.js';
import { runCli } from '../support/tidewatch.js';
import {
  FAULT_RUN_TIMEOUT_MS,
  describeExit,
  formatCase,
  formatFailure,
  meanPhases,
  pointSelected,
  problems,
  runCase,
  lanes,
  seconds,
  verbose,
  selectedScenarios,
  shortPath,
  summarizeKinds,
  type CaseContext,
  type CaseResult,
  type FaultRun,
} from './harness.js';
import { CasePool } from './case-pool.js';
import { buildSourceImages, type ScenarioName } from './scenarios.js';

/**
 * The engine connection is cut at every mutating request (POST, PUT, DELETE) one `tidewatch once`
 * makes, for every scenario: before the engine sees it, and after the engine did it but before the
 * client learns, then the engine stays unreachable until the run ends. A plain run against the
 * engine must then leave every container running under its name with nothing lost
 * (./invariants.ts), and one more run must complete the update.
 *
 * The control case of each scenario runs through the proxy with no fault and counts N, the
 * mutating requests of one update; then all 2N cut points run, every one (no sampling), in
 * parallel lanes. TIDEWATCH_FAULTS=group and TIDEWATCH_FAULT_POINTS=7-after,12-before narrow a
 * rerun to some scenarios and points.
 */

// A guard against a hang, not a speed budget: a test waits for every case of its scenario, which
// share the lanes (harness.ts) with the other scenarios' cases; on a slow or busy machine (a 2-core CI box running
// the other test files beside them) that took over 20 minutes. The suite's own limit is CI's 90.
const TEST_TIMEOUT_MS = 45 * 60_000;

interface Control {
  readonly result: CaseResult;
  readonly requests: readonly MutatingRequest[];
}

describe('engine cuts: no engine request that fails can lose a container', () => {
  const lab = useLab();
  const limit = pLimit(lanes());
  let pool: CasePool;
  const controls = new Map<ScenarioName, Promise<Control>>();
  const totals: Array<{ scenario: ScenarioName; n: number; points: number; failed: number; ms: number }> = [];
  const suiteStarted = Date.now();

  beforeAll(async () => {
    pool = new CasePool(await buildSourceImages(lab.registry));
  });
  afterAll(async () => {
    await pool.drain();
    const points = totals.reduce((sum, t) => sum + t.points, 0);
    const failed = totals.reduce((sum, t) => sum + t.failed, 0);
    console.log(
      `engine cuts: ${points} cut points in ${seconds(Date.now() - suiteStarted)}, ${failed} failing\n${totals
        .map(
          (t) => `  ${t.scenario}: N=${t.n}, ${t.points} cut points, ${t.failed} failing, ${seconds(t.ms)}`,
        )
        .join('\n')}`,
    );
  });

  /** `once` through a fresh proxy: `arm` sets the fault; returns the run and what the proxy saw. */
  async function proxiedRun(
    context: CaseContext,
    arm: (proxy: Awaited<ReturnType<typeof startEngineProxy>>) => void,
  ): Promise<{ summary: string; requests: MutatingRequest[]; hung: boolean; problems: string }> {
    const proxy = await startEngineProxy();
    try {
      arm(proxy);
      const started = Date.now();
      const result = await runCli(
        context.args,
        { DOCKER_HOST: proxy.dockerHost, TIDEWATCH_DATA_DIR: context.dataDir },
        FAULT_RUN_TIMEOUT_MS,
      );
      const ms = Date.now() - started;
      return {
        summary: describeExit(result, ms),
        requests: proxy.mutating(),
        hung: result.code === null && ms >= FAULT_RUN_TIMEOUT_MS,
        problems: problems(result),
      };
    } finally {
      await proxy.stop();
    }
  }

  function control(scenario: ScenarioName): Promise<Control> {
    const existing = controls.get(scenario);
    if (existing !== undefined) return existing;
    let requests: MutatingRequest[] = [];
    const started = limit(() =>
      runCase(pool, scenario, `${scenario}-control`, async (context): Promise<FaultRun> => {
        const run = await proxiedRun(context, () => undefined);
        requests = run.requests;
        const failed = !run.summary.startsWith('exit 0');
        return {
          summary: run.summary,
          point: 'no fault',
          violations: failed ? [{ kind: 'run with no fault failed', detail: run.problems }] : [],
        };
      }),
    ).then((result) => ({ result, requests }));
    controls.set(scenario, started);
    return started;
  }

  function cutCase(
    scenario: ScenarioName,
    k: number,
    n: number,
    when: 'before' | 'after',
  ): Promise<CaseResult> {
    return limit(() =>
      runCase(pool, scenario, `${scenario} k=${k}/${n} ${when}`, async (context): Promise<FaultRun> => {
        const run = await proxiedRun(context, (proxy) => proxy.cutAt(k, when));
        const cut = run.requests[k - 1];
        const violations = [];
        if (run.hung) {
          violations.push({
            kind: 'faulted run did not exit',
            detail: `still running after ${seconds(FAULT_RUN_TIMEOUT_MS)}, killed; ${run.problems}`,
          });
        }
        if (cut === undefined) {
          violations.push({
            kind: 'cut point never reached',
            detail: `the run made ${run.requests.length} mutating requests, the control ${n}`,
          });
        }
        return {
          summary: `${run.summary}; ${run.problems}`,
          point: cut === undefined ? `#${k} (not reached)` : `#${k} ${cut.method} ${shortPath(cut.path)}`,
          violations,
        };
      }),
    );
  }

  for (const scenario of selectedScenarios()) {
    it.concurrent(
      `${scenario}: with no fault one run updates, and the invariants hold (the control)`,
      async () => {
        const { result, requests } = await control(scenario);
        console.log(
          `${scenario} control: N=${requests.length} mutating requests, case ${seconds(result.ms)} ${JSON.stringify(result.phases)}\n${requests
            .map((r, i) => `  #${i + 1} ${r.method} ${shortPath(r.path)}`)
            .join('\n')}`,
        );
        if (result.violations.length > 0) throw new Error(formatFailure(result));
        expect(requests.length).toBeGreaterThan(0);
      },
      TEST_TIMEOUT_MS,
    );

    it.concurrent(
      `${scenario}: cut before and after every mutating request, nothing is lost`,
      async () => {
        const started = Date.now();
        const { requests } = await control(scenario);
        const n = requests.length;
        expect(n, `the control run of ${scenario} made no mutating request`).toBeGreaterThan(0);
        const points = Array.from({ length: n }, (_, i) => i + 1).flatMap((k) =>
          (['before', 'after'] as const)
            .filter((when) => pointSelected(`${k}-${when}`))
            .map((when) => ({ k, when })),
        );
        const results = await Promise.all(points.map(({ k, when }) => cutCase(scenario, k, n, when)));
        const failures = results.filter((r) => r.violations.length > 0);
        if (verbose()) for (const result of results) console.log(formatCase(result));
        const ms = Date.now() - started;
        totals.push({ scenario, n, points: results.length, failed: failures.length, ms });
        const mean = results.reduce((sum, r) => sum + r.ms, 0) / Math.max(1, results.length);
        console.log(
          `${scenario}: ${results.length} cut points (N=${n}) in ${seconds(ms)}, ${seconds(mean)} per case (${meanPhases(results)}), ${failures.length} failing`,
        );
        if (failures.length > 0) {
          throw new Error(
            `${failures.length} of ${results.length} cut points of ${scenario} broke an invariant.\nKinds:\n${summarizeKinds(
              failures,
            )}\n\n${failures.map(formatFailure).join('\n\n')}`,
          );
        }
      },
      TEST_TIMEOUT_MS,
    );
  }
});
