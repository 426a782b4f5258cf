import type { HookPhase, LifecycleHooks } from '../config/index.js';
import { describeError } from '../domain/errors.js';
import type { Engine } from '../engine/index.js';
import type { Logger } from '../log/index.js';

/** Exit code a pre-update hook uses to say "not now" (EX_TEMPFAIL), as in Watchtower. */
export const SKIP_UPDATE_EXIT_CODE = 75;

export type HookResult =
  | { readonly kind: 'none' }
  | { readonly kind: 'ok' }
  /** pre-update exited 75: skip this container's update, not a failure. */
  | { readonly kind: 'skip'; readonly reason: string }
  | { readonly kind: 'failed'; readonly reason: string };

/**
 * Runs a container's hook for `phase` with `sh -c` inside it (by name or id), within the hook's
 * timeout. Never throws: a hook is the container's business, and its failure is a value.
 */
export async function runHook(
  engine: Engine,
  logger: Logger,
  container: string,
  hooks: LifecycleHooks,
  phase: HookPhase,
): Promise<HookResult> {
  const hook = hooks[phase];
  if (hook === undefined) return { kind: 'none' };
  const log = logger.child({ container, hook: phase });
  let result;
  try {
    result = await engine.exec(container, ['sh', '-c', hook.command], { timeoutMs: hook.timeoutMs });
  } catch (error) {
    const reason = `${phase} hook could not run: ${describeError(error)}`;
    log.warn({ reason }, 'hook failed');
    return { kind: 'failed', reason };
  }
  if (result.kind === 'timed-out') {
    const reason = `${phase} hook did not finish within ${hook.timeoutMs / 1000}s`;
    log.warn({ reason }, 'hook timed out');
    return { kind: 'failed', reason };
  }
  const lastLine = result.output.trim().split('\n').at(-1) ?? '';
  if (result.exitCode === 0) {
    log.info({ output: lastLine || undefined }, 'hook ran');
    return { kind: 'ok' };
  }
  if (phase === 'pre-update' && result.exitCode === SKIP_UPDATE_EXIT_CODE) {
    log.info('pre-update hook asked to skip this update (exit 75)');
    return { kind: 'skip', reason: 'pre-update hook asked to skip this update (exit 75)' };
  }
  const reason = `${phase} hook exited ${result.exitCode}${lastLine ? `: ${lastLine}` : ''}`;
  log.warn({ reason }, 'hook failed');
  return { kind: 'failed', reason };
}
