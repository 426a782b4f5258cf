import { describeError } from '../domain/errors.js';
import type { Engine } from '../engine/index.js';
import { lastLogLines } from './copies.js';
import { verifyContainer, type VerifyDeps, type VerifyPolicy } from './verify.js';

/**
 * Why a plan stopped before its commit:
 * - engine: an engine request failed (a fault of the host or the connection, not of the image);
 * - start: a successor did not start (it may be the host's fault: a port taken);
 * - verify: a successor failed its verification (the image's fault: its digest is remembered);
 * - read-back: the engine does not show what the plan expects;
 * - proxy: the proxy in front could not be switched to the verified successor (not the image's fault);
 * - interrupted: Tidewatch is shutting down.
 */
export type FaultCause = 'engine' | 'start' | 'verify' | 'read-back' | 'proxy' | 'interrupted';

export class PlanFault extends Error {
  constructor(
    readonly kind: FaultCause,
    message: string,
    /** The member whose successor failed, with its last log lines. */
    readonly member?: string,
    readonly logs?: string,
  ) {
    super(message);
    this.name = 'PlanFault';
  }

  /** A successor ran: undoing it is a rollback, not merely a failed attempt. */
  get afterStart(): boolean {
    return this.kind !== 'engine';
  }
}

/** Any error thrown by a step: a PlanFault as it is, anything else an engine fault. */
export function asFault(error: unknown, signal: AbortSignal): PlanFault {
  if (error instanceof PlanFault) return error;
  if (signal.aborted) return new PlanFault('interrupted', 'Tidewatch was stopped during the update');
  return new PlanFault('engine', `the engine failed: ${describeError(error)}`);
}

/** Starts a successor; a refusal is a start fault of that member, with its logs. */
export async function startSuccessor(engine: Engine, member: string, id: string): Promise<void> {
  try {
    await engine.startContainer(id);
  } catch (error) {
    const logs = await lastLogLines(engine, id);
    throw new PlanFault('start', `the new container did not start: ${describeError(error)}`, member, logs);
  }
}

/**
 * Verifies the successors side by side. A verdict against one is that image's fault; an engine
 * error while watching is not, and neither is a shutdown.
 */
export async function verifyAll(
  deps: VerifyDeps,
  targets: ReadonlyArray<{ readonly member: string; readonly id: string; readonly policy: VerifyPolicy }>,
  signal: AbortSignal,
): Promise<void> {
  const results = await Promise.allSettled(
    targets.map(async ({ member, id, policy }) => {
      const verdict = await verifyContainer(deps, id, policy, signal);
      if (!verdict.ok) {
        const logs = await lastLogLines(deps.engine, id);
        throw new PlanFault('verify', verdict.reason, member, logs);
      }
    }),
  );
  const failures: unknown[] = results.flatMap((result) =>
    result.status === 'rejected' ? [result.reason as unknown] : [],
  );
  if (failures.length === 0) return;
  const faults = failures.map((error) =>
    error instanceof PlanFault
      ? error
      : signal.aborted
        ? new PlanFault('interrupted', 'Tidewatch was stopped while verifying the new container')
        : new PlanFault('engine', `the engine failed while verifying: ${describeError(error)}`),
  );
  // An engine fault or a shutdown says nothing about the images: it wins over a verdict.
  const first = faults.find((fault) => fault.kind !== 'verify') ?? faults[0];
  if (first) throw first;
}
