/** A watch on a stream of activity: fires once when nothing happened for a while. */
export interface IdleTimer {
  /** Something happened: the quiet time starts again from now. */
  touch(): void;
  /** No more firing (the work ended); safe to call more than once. */
  stop(): void;
}

/**
 * Calls `onIdle` once, when `touch()` has not been called for `idleMs` (counted from the start).
 * A touch only records the time: the timer is re-armed when it fires early, not at every touch, so a
 * pull that reports progress hundreds of times a second costs no timer churn.
 */
export function startIdleTimer(idleMs: number, onIdle: () => void, now: () => number = Date.now): IdleTimer {
  let last = now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const arm = (delayMs: number): void => {
    timer = setTimeout(check, delayMs);
    // The work it watches keeps the process alive, not the watch.
    timer.unref();
  };
  function check(): void {
    const quietMs = now() - last;
    if (quietMs < idleMs) return arm(idleMs - quietMs);
    timer = undefined;
    onIdle();
  }
  arm(idleMs);
  return {
    touch: () => {
      last = now();
    },
    stop: () => {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
    },
  };
}
