import { systemClock, systemSleep } from '../domain/clock.js';
import { describeError } from '../domain/errors.js';
import type { Engine } from '../engine/index.js';
import { runCompose, type ComposeProject } from '../compose/index.js';
import { verifyContainer, type VerifyPolicy } from '../updater/verify.js';
import { finishedJob } from './drift.js';
import { projectContainers, serviceOf } from './project-containers.js';

export interface UpDeps {
  readonly engine: Engine;
  /** How each container `up` started proves itself, as an update's new container does. */
  readonly verify?: VerifyPolicy | undefined;
  readonly dockerHost?: string | undefined;
}

export type UpResult =
  | { readonly ok: true; readonly detail: string }
  | {
      readonly ok: false;
      /** `up`: compose itself failed; `verify`: a container it started did not prove itself. */
      readonly stage: 'up' | 'verify';
      readonly detail: string;
      readonly logs?: string | undefined;
    };

const FAILED_LOG_LINES = 50;

/**
 * `compose up -d`, then the containers it started (new ones, and ones that were not running) are
 * verified like an update's: healthy within the timeout, or running with no restart through the
 * window. An outcome is read back from the engine, never assumed from compose's exit code.
 */
export async function upAndVerify(
  deps: UpDeps,
  compose: ComposeProject,
  upArgs: readonly string[],
  signal?: AbortSignal,
): Promise<UpResult> {
  const runningBefore = new Set(
    (await projectContainers(deps.engine, compose.project))
      .filter((row) => row.state === 'running')
      .map((row) => row.id),
  );
  try {
    await runCompose(compose, ['up', '-d', ...upArgs], { dockerHost: deps.dockerHost, signal });
  } catch (error) {
    return { ok: false, stage: 'up', detail: `compose up failed: ${describeError(error)}` };
  }
  const started = (await projectContainers(deps.engine, compose.project)).filter(
    (row) => !runningBefore.has(row.id),
  );
  if (deps.verify !== undefined) {
    const verifyDeps = { engine: deps.engine, now: systemClock, sleep: systemSleep };
    const policy = deps.verify;
    const verdicts = await Promise.all(
      started.map(async (row) => ({
        row,
        verdict: await verifyContainer(verifyDeps, row.id, policy, signal),
      })),
    );
    for (const { row, verdict } of verdicts) {
      // A job that exited 0 with no restart policy did what it is for.
      if (verdict.ok || (await finishedJob(deps.engine, row.id))) continue;
      const logs = await deps.engine.containerLogs(row.id, FAILED_LOG_LINES).catch(() => undefined);
      return {
        ok: false,
        stage: 'verify',
        detail: `${serviceOf(row)} did not verify: ${verdict.reason}`,
        logs,
      };
    }
  }
  return { ok: true, detail: await serviceStates(deps.engine, compose.project) };
}

/** `web: running, db: running`, from the engine, for the history. */
export async function serviceStates(engine: Engine, project: string): Promise<string> {
  const states = (await projectContainers(engine, project))
    .map((row) => `${serviceOf(row)}: ${row.state}`)
    .sort();
  return states.length > 0 ? states.join(', ') : 'no services';
}
