import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import pLimit from 'p-limit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
  summarizeKinds,
  type CaseContext,
  type CaseResult,
  type FaultRun,
} from './harness.js';
import { CasePool } from './case-pool.js';
import { buildSourceImages, type ScenarioName } from './scenarios.js';

/**
 * SIGKILL right after every journal write of one `tidewatch once`, for every scenario: the CLI
 * appends one line per journal write to TIDEWATCH_TEST_JOURNAL_TRACE, and kills itself right after
 * its n-th write with TIDEWATCH_TEST_CRASH_AT=n. A plain run must then leave every container
 * running under its name with nothing lost (./invariants.ts), and one more run must complete the
 * update.
 *
 * The control case of each scenario traces one update with no kill to count M, its journal writes;
 * then all M kill points run, every one, in parallel lanes. TIDEWATCH_FAULTS=group and
 * TIDEWATCH_FAULT_POINTS=3,9 narrow a rerun to some scenarios and points.
 */

// A guard against a hang, not a speed budget: a test waits for every case of its scenario, which
// share the lanes (harness.ts) with the other scenarios' cases; on a slow or busy machine (a 2-core CI box running
// the other test files beside them) that took over 20 minutes. The suite's own limit is CI's 90.
const TEST_TIMEOUT_MS = 45 * 60_000;

interface Control {
  readonly result: CaseResult;
  readonly steps: readonly string[];
}

async function traceOf(file: string): Promise<string[]> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text.split('\n').filter((line) => line.trim() !== '');
}

describe('journal kills: SIGKILL after any journal write loses no container', () => {
  const lab = useLab();
  const limit = pLimit(lanes());
  let pool: CasePool;
  const controls = new Map<ScenarioName, Promise<Control>>();
  const totals: Array<{ scenario: ScenarioName; m: number; points: number; failed: number; ms: number }> = [];
  const suiteStarted = Date.now();

  beforeAll(async () => {
    pool = new CasePool(await buildSourceImages(lab.registry));
  });
  afterAll(async () => {
    await pool.drain();
    const points = totals.reduce((sum, t) => sum + t.points, 0);
    const failed = totals.reduce((sum, t) => sum + t.failed, 0);
    console.log(
      `journal kills: ${points} kill points in ${seconds(Date.now() - suiteStarted)}, ${failed} failing\n${totals
        .map(
          (t) => `  ${t.scenario}: M=${t.m}, ${t.points} kill points, ${t.failed} failing, ${seconds(t.ms)}`,
        )
        .join('\n')}`,
    );
  });

  /** `once` with the journal traced (and killed at write `crashAt`, when given). */
  async function tracedRun(
    context: CaseContext,
    crashAt?: number,
  ): Promise<{ summary: string; steps: string[]; killed: boolean; hung: boolean; problems: string }> {
    const trace = join(context.dataDir, 'journal-trace.txt');
    const started = Date.now();
    const result = await runCli(
      context.args,
      {
        TIDEWATCH_DATA_DIR: context.dataDir,
        TIDEWATCH_TEST_JOURNAL_TRACE: trace,
        ...(crashAt === undefined ? {} : { TIDEWATCH_TEST_CRASH_AT: String(crashAt) }),
      },
      FAULT_RUN_TIMEOUT_MS,
    );
    const ms = Date.now() - started;
    const hung = result.code === null && ms >= FAULT_RUN_TIMEOUT_MS;
    return {
      summary: describeExit(result, ms),
      steps: await traceOf(trace),
      killed: result.code === null && !hung,
      hung,
      problems: problems(result),
    };
  }

  function control(scenario: ScenarioName): Promise<Control> {
    const existing = controls.get(scenario);
    if (existing !== undefined) return existing;
    let steps: string[] = [];
    const started = limit(() =>
      runCase(pool, scenario, `${scenario}-control`, async (context): Promise<FaultRun> => {
        const run = await tracedRun(context);
        steps = run.steps;
        const failed = !run.summary.startsWith('exit 0');
        return {
          summary: run.summary,
          point: 'no kill',
          violations: failed ? [{ kind: 'run with no kill failed', detail: run.problems }] : [],
        };
      }),
    ).then((result) => ({ result, steps }));
    controls.set(scenario, started);
    return started;
  }

  function killCase(scenario: ScenarioName, n: number, m: number): Promise<CaseResult> {
    return limit(() =>
      runCase(pool, scenario, `${scenario} n=${n}/${m}`, async (context): Promise<FaultRun> => {
        const run = await tracedRun(context, n);
        const violations = [];
        if (run.hung) {
          violations.push({
            kind: 'killed run did not exit',
            detail: `still running after ${seconds(FAULT_RUN_TIMEOUT_MS)}; ${run.problems}`,
          });
        } else if (!run.killed) {
          violations.push({
            kind: 'kill point never reached',
            detail: `${run.summary} after ${run.steps.length} journal writes, the control made ${m}`,
          });
        }
        const step = run.steps[n - 1];
        return {
          summary: run.summary,
          point: step === undefined ? `journal write #${n} (not reached)` : `journal write #${n} ${step}`,
          violations,
        };
      }),
    );
  }

  for (const scenario of selectedScenarios()) {
    it.concurrent(
      `${scenario}: with no kill one run updates, and the invariants hold (the control)`,
      async () => {
        const { result, steps } = await control(scenario);
        console.log(
          `${scenario} control: M=${steps.length} journal writes, case ${seconds(result.ms)}\n${steps
            .map((step, i) => `  #${i + 1} ${step}`)
            .join('\n')}`,
        );
        if (result.violations.length > 0) throw new Error(formatFailure(result));
        expect(
          steps.length,
          `no journal write traced: is TIDEWATCH_TEST_JOURNAL_TRACE honoured?`,
        ).toBeGreaterThan(0);
      },
      TEST_TIMEOUT_MS,
    );

    it.concurrent(
      `${scenario}: SIGKILL after every journal write, nothing is lost`,
      async () => {
        const started = Date.now();
        const { steps } = await control(scenario);
        const m = steps.length;
        expect(m, `the control run of ${scenario} traced no journal write`).toBeGreaterThan(0);
        const points = Array.from({ length: m }, (_, i) => i + 1).filter((n) => pointSelected(String(n)));
        const results = await Promise.all(points.map((n) => killCase(scenario, n, m)));
        const failures = results.filter((r) => r.violations.length > 0);
        if (verbose()) for (const result of results) console.log(formatCase(result));
        const ms = Date.now() - started;
        totals.push({ scenario, m, points: results.length, failed: failures.length, ms });
        const mean = results.reduce((sum, r) => sum + r.ms, 0) / Math.max(1, results.length);
        console.log(
          `${scenario}: ${results.length} kill points (M=${m}) in ${seconds(ms)}, ${seconds(mean)} per case (${meanPhases(results)}), ${failures.length} failing`,
        );
        if (failures.length > 0) {
          throw new Error(
            `${failures.length} of ${results.length} kill points of ${scenario} broke an invariant.\nKinds:\n${summarizeKinds(
              failures,
            )}\n\n${failures.map(formatFailure).join('\n\n')}`,
          );
        }
      },
      TEST_TIMEOUT_MS,
    );
  }
});
