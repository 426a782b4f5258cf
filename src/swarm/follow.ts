import type { Clock, Sleep } from '../domain/index.js';
import type { SwarmEngine, SwarmUpdateStatus } from './types.js';

/** How a service update ended, as the swarm's UpdateStatus said it. */
export type FollowResult =
  | { readonly kind: 'completed'; readonly message: string }
  /** rollback_completed; `message` also holds the rollback's cause when it was seen. */
  | { readonly kind: 'rolled-back'; readonly message: string }
  /** paused or rollback_paused: the swarm stopped half way and waits for its owner. */
  | { readonly kind: 'paused'; readonly state: string; readonly message: string }
  | { readonly kind: 'timed-out'; readonly state: string; readonly message: string }
  | { readonly kind: 'gone' }
  /** Tidewatch is shutting down: the swarm goes on, the next start records the outcome. */
  | { readonly kind: 'detached' };

export interface FollowDeps {
  readonly swarm: SwarmEngine;
  readonly clock: Clock;
  readonly sleep: Sleep;
  /** Time between two looks at the service. */
  readonly pollMs: number;
}

export interface FollowRequest {
  readonly serviceId: string;
  /** The image the update pins: tasks on another one are what a rolling update still has to replace. */
  readonly image: string;
  readonly timeoutMs: number;
  /** Whether a status belongs to this update, not to the service's previous one. */
  readonly isOurs: (status: SwarmUpdateStatus) => boolean;
  readonly signal: AbortSignal;
  readonly shouldStop?: (() => boolean) | undefined;
}

/**
 * A manager that accepted an update starts a rolling update only when some task runs the old spec.
 * With none (no replicas, no eligible node) UpdateStatus never appears: after this long without
 * one, and with no task left on another image, the update is done.
 */
export const QUIET_MS = 5000;

/**
 * Follows a service's UpdateStatus (updating → completed | rollback_started → rollback_completed |
 * paused | rollback_paused) until the swarm is done or `timeoutMs` passed. The swarm goes on by
 * itself either way: following only decides what Tidewatch records.
 */
export async function followUpdate(deps: FollowDeps, request: FollowRequest): Promise<FollowResult> {
  const { swarm, clock } = deps;
  const started = clock();
  let rollbackCause: string | undefined;
  let last: SwarmUpdateStatus | undefined;
  for (;;) {
    const service = await swarm.inspectService(request.serviceId);
    if (service === undefined) return { kind: 'gone' };
    const status =
      service.updateStatus !== undefined && request.isOurs(service.updateStatus)
        ? service.updateStatus
        : undefined;
    if (status !== undefined) {
      last = status;
      switch (status.state) {
        case 'completed':
          return { kind: 'completed', message: status.message };
        case 'rollback_completed':
          return { kind: 'rolled-back', message: joinMessages(rollbackCause, status.message) };
        case 'paused':
        case 'rollback_paused':
          return {
            kind: 'paused',
            state: status.state,
            message: joinMessages(rollbackCause, status.message),
          };
        case 'rollback_started':
          // Its message names the task that failed; rollback_completed's says only "rollback completed".
          rollbackCause = status.message;
          break;
        case 'updating':
        default:
          // Still rolling (or a state a newer engine added): look again.
          break;
      }
    } else if (clock() - started >= QUIET_MS) {
      const tasks = await swarm.listTasks(request.serviceId);
      const stale = tasks.filter((task) => task.desiredState === 'running' && task.image !== request.image);
      if (stale.length === 0) return { kind: 'completed', message: 'the swarm had no task to replace' };
    }
    if (clock() - started >= request.timeoutMs) {
      return { kind: 'timed-out', state: last?.state ?? 'not started', message: last?.message ?? '' };
    }
    if (request.shouldStop?.() === true) return { kind: 'detached' };
    await deps.sleep(deps.pollMs, request.signal);
  }
}

function joinMessages(cause: string | undefined, message: string): string {
  if (cause === undefined || cause === '' || cause === message) return message;
  return message === '' ? cause : `${cause}; ${message}`;
}
