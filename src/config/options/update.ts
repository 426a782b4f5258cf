import { z } from 'zod';
import { STRATEGIES } from '../strategy.js';
import { MINUTE_MS, SECOND_MS, option } from './spec.js';

/** How an update is done: stop, pull, strategy, verification, rollback points. */
export const UPDATE_OPTIONS = [
  option({
    key: 'stopTimeout',
    flag: 'stop-timeout',
    env: ['TIDEWATCH_STOP_TIMEOUT', 'WATCHTOWER_TIMEOUT'],
    kind: 'duration',
    valueName: 'duration',
    description:
      'Time a container gets to stop before it is killed, unless it sets its own (label tidewatch.stop-timeout, then docker run --stop-timeout)',
    field: 'stopTimeoutMs',
    schema: z.number().int().nonnegative(),
    default: 10 * SECOND_MS,
  }),
  /**
   * A pull counts as stalled only when the engine reports nothing at all for this long: a slow but
   * moving download of a large layer sends progress every few hundred kilobytes, so it never trips.
   */
  option({
    key: 'pullTimeout',
    flag: 'pull-timeout',
    env: ['TIDEWATCH_PULL_TIMEOUT'],
    kind: 'duration',
    valueName: 'duration',
    allowZero: true,
    description:
      'A pull that makes no progress (no new data from the engine) for this long is abandoned and the update fails; 0 never',
    field: 'pullTimeoutMs',
    schema: z.number().int().nonnegative(),
    default: 5 * MINUTE_MS,
  }),
  /**
   * Under the 10 s `docker stop` (and Kubernetes' 30 s) grace period, so Tidewatch exits by itself
   * before the engine kills it, with a moment left to close the store.
   */
  option({
    key: 'shutdownTimeout',
    flag: 'shutdown-timeout',
    env: ['TIDEWATCH_SHUTDOWN_TIMEOUT'],
    kind: 'duration',
    valueName: 'duration',
    description:
      'After SIGTERM, the longest `run` and `once` wait for an update in flight before they exit anyway; the next start resumes or undoes it from the journal',
    field: 'shutdownTimeoutMs',
    schema: z.number().int().positive(),
    default: 8 * SECOND_MS,
  }),
  option({
    key: 'cleanup',
    flag: 'cleanup',
    env: ['TIDEWATCH_CLEANUP', 'WATCHTOWER_CLEANUP'],
    kind: 'boolean',
    description: 'Remove the old image after an update when no container uses it',
    field: 'cleanup',
    schema: z.boolean(),
    default: false,
  }),
  option({
    key: 'lifecycleHooks',
    flag: 'enable-lifecycle-hooks',
    env: ['TIDEWATCH_LIFECYCLE_HOOKS', 'WATCHTOWER_LIFECYCLE_HOOKS'],
    kind: 'boolean',
    description: 'Run the lifecycle hook commands from container labels (pre-check, pre-update, ...)',
    field: 'lifecycleHooks',
    schema: z.boolean(),
    default: false,
  }),
  option({
    key: 'strategy',
    flag: 'strategy',
    env: ['TIDEWATCH_STRATEGY'],
    kind: 'string',
    valueName: 'strategy',
    description:
      'stop-first (stop the old container, then start the new), start-first (start and verify the new one first) or auto',
    field: 'strategy',
    schema: z.enum(STRATEGIES),
    default: 'stop-first',
  }),
  option({
    key: 'drain',
    flag: 'drain',
    env: ['TIDEWATCH_DRAIN'],
    kind: 'duration',
    valueName: 'duration',
    allowZero: true,
    description: 'With start-first, time the old container keeps running once the new one is verified',
    field: 'drainMs',
    schema: z.number().int().nonnegative(),
    default: 2 * SECOND_MS,
  }),
  /**
   * Docker's default healthcheck runs every 30s and calls a container unhealthy after 3 failures in
   * a row: its first verdict comes 30s after the start, an `unhealthy` 90s after. Two minutes lets a
   * container with default healthcheck settings reach either, with room for a slow first start.
   */
  option({
    key: 'verifyTimeout',
    flag: 'verify-timeout',
    env: ['TIDEWATCH_VERIFY_TIMEOUT'],
    kind: 'duration',
    valueName: 'duration',
    description: 'Time a new container with a healthcheck has to become healthy before it is rolled back',
    field: 'verifyTimeoutMs',
    schema: z.number().int().positive(),
    default: 2 * MINUTE_MS,
  }),
  // Long enough for a container that crashes on start (bad config, missing file) to show it.
  option({
    key: 'verifyWindow',
    flag: 'verify-window',
    env: ['TIDEWATCH_VERIFY_WINDOW'],
    kind: 'duration',
    valueName: 'duration',
    description:
      'Time a new container without a healthcheck must keep running, never restarted, before it is kept',
    field: 'verifyWindowMs',
    schema: z.number().int().positive(),
    default: 10 * SECOND_MS,
  }),
  // The image before the update and the one before that: two steps back without a registry.
  option({
    key: 'keepImages',
    flag: 'keep-images',
    env: ['TIDEWATCH_KEEP_IMAGES'],
    kind: 'integer',
    valueName: 'n',
    description: 'Previous images kept per container as rollback points; 0 keeps none',
    field: 'keepImages',
    schema: z.number().int().nonnegative(),
    default: 2,
  }),
] as const;
