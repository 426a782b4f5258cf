import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { logLines, runCli, type CliResult } from '../support/tidewatch.js';
import {
  checkCompleted,
  checkInvariants,
  describeEngine,
  snapshot,
  type Before,
  type Violation,
} from './invariants.js';
import type { CasePool } from './case-pool.js';
import { labIsPodman } from '../lab/lab-engine.js';
import { SCENARIOS, type FaultCase, type ScenarioName } from './scenarios.js';

/**
 * One case of the fault suite, start to end: its containers (built, or those of an earlier clean
 * case: ./case-pool.ts), the faulted run (whatever the test file injects), a plain run that must
 * repair, the invariants, a further run that must complete the update, and the containers' release.
 * Everything found wrong is collected, with the engine's state, so a failing cut point reads as a
 * bug report.
 */

/** Settings of every run: stops take milliseconds (the images exit on SIGTERM), a short stability window. */
export const ONCE_FLAGS = ['--stop-timeout', '2s', '--verify-window', '500ms'] as const;
/** A faulted run that has not exited by then hangs: that is a failure of its own. */
export const FAULT_RUN_TIMEOUT_MS = 45_000;
/** The repair and completion runs: a repair plus a whole update, on a machine every case loads. */
const RUN_TIMEOUT_MS = 120_000;

export interface CaseContext {
  readonly fault: FaultCase;
  readonly before: Before;
  readonly dataDir: string;
  /** `once` limited to the case's scope, with ONCE_FLAGS. */
  readonly args: readonly string[];
}

/** What the faulted run did: shown in every failure message of the case. */
export interface FaultRun {
  /** e.g. `exit 1 in 2.1s`, `killed (SIGKILL) in 1.3s`. */
  readonly summary: string;
  /** e.g. the request that was cut: `POST /containers/<id>/stop`. */
  readonly point: string;
  readonly violations: Violation[];
}

export interface PhasedViolation extends Violation {
  readonly phase: 'fault run' | 'repair run' | 'after repair' | 'completion run' | 'after completion';
}

export interface CaseResult {
  readonly scenario: ScenarioName;
  readonly label: string;
  /** The case whose containers this one reused, and how many cases had used them before. */
  readonly reused: string | undefined;
  readonly ms: number;
  /** Where the time went: build, faulted, repair, check, complete, release (ms). */
  readonly phases: Readonly<Record<string, number>>;
  readonly run: FaultRun;
  readonly violations: PhasedViolation[];
  /** The engine after the repair run, when something was wrong. */
  readonly engine: string;
}

/** `/containers/<64 hex>/stop` → `/containers/<12 hex>/stop`; long queries cut. */
export function shortPath(path: string): string {
  const shortened = path.replace(/[0-9a-f]{64}/g, (id) => id.slice(0, 12));
  return shortened.length > 90 ? `${shortened.slice(0, 90)}…` : shortened;
}

export function describeExit(result: CliResult, ms: number): string {
  const took = `${(ms / 1000).toFixed(1)}s`;
  return result.code === null ? `killed in ${took}` : `exit ${result.code} in ${took}`;
}

/** The warnings and errors a run logged, shortest form, for failure messages. */
export function problems(result: CliResult, max = 3): string {
  const lines = logLines(result.stderr)
    .filter((line) => ['warn', 'error', 'fatal'].includes(String(line.level)))
    .map((line) => {
      const err = line.err as { message?: string } | undefined;
      const reason = typeof line.reason === 'string' ? line.reason : (err?.message ?? '');
      const container = typeof line.container === 'string' ? `${line.container}: ` : '';
      return `${container}${String(line.msg)}${reason === '' ? '' : ` (${reason})`}`;
    });
  const plain = result.stderr
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('{'))
    .slice(-2);
  const all = [
    ...lines.slice(0, max),
    ...(lines.length > max ? [`… ${lines.length - max} more`] : []),
    ...plain,
  ];
  return all.length === 0 ? '(nothing logged)' : all.map((line) => line.slice(0, 300)).join(' | ');
}

async function timed(args: readonly string[], env: NodeJS.ProcessEnv, timeoutMs: number) {
  const started = Date.now();
  const result = await runCli(args, env, timeoutMs);
  return { result, ms: Date.now() - started };
}

/** Runs one case; never throws for what Tidewatch did wrong (that is in `violations`). */
export async function runCase(
  pool: CasePool,
  scenario: ScenarioName,
  label: string,
  faulted: (context: CaseContext) => Promise<FaultRun>,
): Promise<CaseResult> {
  const started = Date.now();
  const phases: Record<string, number> = {};
  let mark = started;
  const lap = (phase: string): void => {
    const now = Date.now();
    phases[phase] = now - mark;
    mark = now;
  };
  const fault = await pool.take(scenario, label);
  const dataDir = await mkdtemp(join(tmpdir(), 'tw-faults-'));
  lap('build');
  let released = false;
  try {
    const before = await snapshot(fault);
    const args = ['once', ...ONCE_FLAGS, '--scope', fault.scope];
    const env = { TIDEWATCH_DATA_DIR: dataDir };
    const run = await faulted({ fault, before, dataDir, args });
    lap('faulted');
    const violations: PhasedViolation[] = run.violations.map((v) => ({ ...v, phase: 'fault run' }));

    const repair = await timed(args, env, RUN_TIMEOUT_MS);
    lap('repair');
    if (repair.result.code !== 0) {
      violations.push({
        phase: 'repair run',
        kind: `repair run ${repair.result.code === null ? 'killed' : `exit ${repair.result.code}`}`,
        detail: problems(repair.result),
      });
    }
    const repaired = await checkInvariants(before, dataDir);
    violations.push(...repaired.map((v) => ({ ...v, phase: 'after repair' as const })));
    const engine = repaired.length > 0 || repair.result.code !== 0 ? await describeEngine(fault) : '';

    lap('check');
    const complete = await timed(args, env, RUN_TIMEOUT_MS);
    lap('complete');
    if (complete.result.code !== 0) {
      violations.push({
        phase: 'completion run',
        kind: `completion run ${complete.result.code === null ? 'killed' : `exit ${complete.result.code}`}`,
        detail: problems(complete.result),
      });
    }
    const completed = await checkCompleted(before, dataDir);
    const seen = new Set(repaired.map((v) => `${v.kind}\n${v.detail}`));
    violations.push(
      ...completed
        .filter((v) => !seen.has(`${v.kind}\n${v.detail}`))
        .map((v) => ({ ...v, phase: 'after completion' as const })),
    );
    const finalEngine = engine === '' && violations.length > 0 ? await describeEngine(fault) : engine;
    released = true;
    await pool.release(fault, violations.length === 0);
    lap('release');
    const reused = fault.generation === 0 ? undefined : `${fault.builtBy} (+${fault.generation})`;
    return {
      scenario,
      label,
      reused,
      ms: Date.now() - started,
      phases,
      run,
      violations,
      engine: finalEngine,
    };
  } finally {
    if (!released) await pool.release(fault, false).catch(() => undefined);
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** A failing case as a bug report: where it was cut, what the run did, every violation, the engine. */
export function formatFailure(result: CaseResult): string {
  const on = result.reused === undefined ? '' : `, on the containers of ${result.reused}`;
  const lines = [`${result.label} at ${result.run.point} (faulted run: ${result.run.summary}${on})`];
  for (const v of result.violations) lines.push(`  [${v.phase}] ${v.kind}: ${v.detail}`);
  if (result.engine !== '') lines.push('  engine after the repair run:', result.engine.replace(/^/gm, '  '));
  return lines.join('\n');
}

/** Distinct kinds of failure, most frequent first, with the cases that showed each. */
export function summarizeKinds(results: readonly CaseResult[]): string {
  const kinds = new Map<string, string[]>();
  for (const result of results) {
    for (const key of new Set(result.violations.map((v) => `[${v.phase}] ${v.kind}`))) {
      kinds.set(key, [...(kinds.get(key) ?? []), result.label]);
    }
  }
  return [...kinds.entries()]
    .sort((a, b) => b[1].length - a[1].length)
    .map(([kind, labels]) => {
      const shown = labels.slice(0, 6).join(', ');
      return `  ${labels.length}× ${kind}: ${shown}${labels.length > 6 ? ', …' : ''}`;
    })
    .join('\n');
}

/**
 * The group scenarios hold a legacy link (`--link app:db`), which Podman refuses to create ("link
 * is not supported"): such a container cannot exist there, so on Podman only the scenarios without
 * one run (docs/podman.md). test/integration/podman-differences.test.ts checks the refusal.
 */
const SCENARIOS_ON_PODMAN: readonly ScenarioName[] = ['stop-first', 'start-first'];

/**
 * The scenarios to run: all the lab's engine can hold, unless TIDEWATCH_FAULTS names some
 * (`group,stop-first`), for reproducing one locally.
 */
export function selectedScenarios(): ScenarioName[] {
  const possible = labIsPodman() ? SCENARIOS_ON_PODMAN : SCENARIOS;
  const wanted = (process.env.TIDEWATCH_FAULTS ?? '').split(',').filter((s) => s !== '');
  return wanted.length === 0 ? [...possible] : possible.filter((s) => wanted.includes(s));
}

/**
 * Whether to run the cut point named `point` (`7-after`, `3`): all, unless TIDEWATCH_FAULT_POINTS
 * lists some (`7-after,12-before`). The full suite enumerates every point; this is for reruns.
 */
export function pointSelected(point: string): boolean {
  const wanted = (process.env.TIDEWATCH_FAULT_POINTS ?? '').split(',').filter((s) => s !== '');
  return wanted.length === 0 || wanted.includes(point);
}

/** Seconds with one decimal. */
export const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)}s`;

/** Mean time of each phase over some cases: `build 1.2s, faulted 2.0s, ...`. */
export function meanPhases(results: readonly CaseResult[]): string {
  const sums = new Map<string, number>();
  for (const result of results) {
    for (const [phase, ms] of Object.entries(result.phases)) sums.set(phase, (sums.get(phase) ?? 0) + ms);
  }
  return [...sums.entries()]
    .map(([phase, ms]) => `${phase} ${seconds(ms / Math.max(1, results.length))}`)
    .join(', ');
}

/** TIDEWATCH_FAULTS_VERBOSE=1 prints every case, passing or not. */
export const verbose = (): boolean => (process.env.TIDEWATCH_FAULTS_VERBOSE ?? '') !== '';

/** One line for any case: where, what the faulted run did, how long, and how many violations. */
export function formatCase(result: CaseResult): string {
  const verdict = result.violations.length === 0 ? 'ok' : `${result.violations.length} violations`;
  const on = result.reused === undefined ? 'built' : `reused ${result.reused}`;
  return `${result.label} at ${result.run.point}: ${result.run.summary}; ${seconds(result.ms)} ${JSON.stringify(result.phases)} ${on}; ${verdict}`;
}

/**
 * Cases at once per test file: each runs three CLIs and up to five containers, and the engine and
 * Node share two cores. Three, not four: the two fault files run beside each other and two other
 * test files, and at four lanes each the machine's load reached 15, which starved the timing of
 * other files' engine tests (a health probe, a client loop) more than it sped these up, since the
 * cases are CPU-bound. On Podman, one: it keeps one list of names per image, and cases that tag
 * and pull the same images at once lose names to each other ("image not known" in the middle of
 * a case, which then takes another path and never reaches its cut point). TIDEWATCH_FAULT_LANES
 * overrides it, for tuning.
 */
export function lanes(): number {
  const wanted = Number(process.env.TIDEWATCH_FAULT_LANES ?? '');
  if (Number.isInteger(wanted) && wanted > 0) return wanted;
  return labIsPodman() ? 1 : 3;
}
