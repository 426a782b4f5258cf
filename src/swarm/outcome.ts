import { formatDuration } from '../config/index.js';
import type { FinishInput, UpdateOutcome } from '../store/index.js';
import type { FollowResult } from './follow.js';
import type { SwarmEngine } from './types.js';

/** What the journal records for a followed update; undefined when Tidewatch stopped following it. */
export interface ServiceVerdict {
  readonly outcome: UpdateOutcome;
  readonly reason: string | undefined;
  /** The errors of the tasks that failed on the new image, one a line. */
  readonly logs: string | undefined;
}

/** The verdict as the journal's finish() takes it. */
export function finishDetails(verdict: ServiceVerdict): FinishInput {
  return {
    ...(verdict.reason !== undefined ? { reason: verdict.reason } : {}),
    ...(verdict.logs !== undefined ? { logs: verdict.logs } : {}),
  };
}

/** The swarm's answer as an outcome, with the errors of the tasks that failed on the new image. */
export async function verdictOf(
  swarm: SwarmEngine,
  result: Exclude<FollowResult, { kind: 'detached' }>,
  context: { readonly serviceId: string; readonly image: string; readonly timeoutMs: number },
): Promise<ServiceVerdict> {
  switch (result.kind) {
    case 'completed':
      return { outcome: 'committed', reason: undefined, logs: undefined };
    case 'gone':
      return { outcome: 'failed', reason: 'the service was removed during its update', logs: undefined };
    case 'timed-out':
      return {
        outcome: 'failed',
        reason: `the swarm's update was still ${result.state} after ${formatDuration(context.timeoutMs)} (--swarm-timeout); Tidewatch stopped following it, the swarm goes on`,
        logs: undefined,
      };
    case 'rolled-back':
    case 'paused': {
      const tasks = await failedTasks(swarm, context.serviceId, context.image);
      const first = tasks[0] === undefined ? '' : ` (${tasks[0]})`;
      const reason =
        result.kind === 'rolled-back'
          ? `the swarm rolled the update back: ${result.message}${first}`
          : `the swarm paused the update (${result.state}): ${result.message}${first}; resume it with docker service update or undo it with docker service rollback`;
      return {
        outcome: result.kind === 'rolled-back' ? 'rolled-back' : 'failed',
        reason,
        logs: tasks.length > 0 ? tasks.join('\n') : undefined,
      };
    }
  }
  return result satisfies never;
}

/** `task <id>: <error>` for each task on `image` that failed, newest first as the engine lists them. */
async function failedTasks(swarm: SwarmEngine, serviceId: string, image: string): Promise<string[]> {
  try {
    const tasks = await swarm.listTasks(serviceId);
    return tasks
      .filter((task) => task.image === image && task.error !== '')
      .map((task) => `task ${task.id.slice(0, 12)}: ${task.error}`);
  } catch {
    // The outcome stands without the details.
    return [];
  }
}
