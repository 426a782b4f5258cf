import type { Logger } from '../log/index.js';
import type { Plans } from '../store/index.js';

export interface Shutdown {
  /** Aborted at the first SIGTERM or SIGINT: a verification in flight stops and is undone. */
  readonly signal: AbortSignal;
  /** Removes the handlers and the deadline (the command has finished). */
  dispose(): void;
}

/**
 * SIGTERM (or SIGINT) for `run` and `once`: the signal aborts what is in flight, so a verification
 * stops and its update is undone, which takes seconds. Should the command still not have finished
 * after `timeoutMs` (an engine that does not answer), the process exits anyway, saying which
 * updates it leaves journaled and whether the next start finishes or undoes each; a second signal
 * exits at once. `exit` is main's: the only place that ends the process.
 */
export function watchShutdown(
  options: { readonly timeoutMs: number; readonly logger: Logger; readonly plans: Plans },
  exit: (code: number) => void,
): Shutdown {
  const controller = new AbortController();
  let deadline: NodeJS.Timeout | undefined;
  const leave = (why: string): void => {
    for (const plan of options.plans.unfinished()) {
      options.logger.warn(
        {
          plan: plan.id,
          containers: plan.members.map((member) => member.name),
          next: plan.phase === 'committing' ? 'finish' : 'undo',
        },
        `${why}: exiting with this update in flight; the next start will ${
          plan.phase === 'committing' ? 'finish it (it was verified)' : 'undo it'
        }`,
      );
    }
    exit(1);
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    if (controller.signal.aborted) return leave(`second ${signal}`);
    options.logger.info({ signal, timeoutMs: options.timeoutMs }, 'stopping: the update in flight is undone');
    controller.abort();
    deadline = setTimeout(
      () => leave(`still busy ${options.timeoutMs / 1000}s after ${signal}`),
      options.timeoutMs,
    );
    deadline.unref();
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  return {
    signal: controller.signal,
    dispose() {
      clearTimeout(deadline);
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
    },
  };
}
