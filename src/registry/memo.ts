/** Work for a memo: `forget` drops this run's entry (and only this run's), e.g. once it failed. */
export type MemoRun<T> = (signal: AbortSignal, forget: () => void) => Promise<T>;

/**
 * One piece of work shared by several callers, each with its own AbortSignal. A caller that aborts
 * stops waiting at once; the work itself is aborted only when every caller has gone, so one
 * container's cancelled check cannot fail another's.
 */
class SharedTask<T> {
  private readonly controller = new AbortController();
  private promise: Promise<T> = Promise.reject(new Error('shared task not started'));
  private waiters = 0;
  private settled = false;

  constructor(private readonly onAbandon: () => void) {
    this.promise.catch(() => undefined);
  }

  /** Starts the work; separate from construction so the memo holds the entry before the work can forget it. */
  start(run: (signal: AbortSignal) => Promise<T>): void {
    // The executor turns a synchronous throw of `run` into a rejection.
    const started = new Promise<T>((resolve) => resolve(run(this.controller.signal)));
    this.promise = started.finally(() => {
      this.settled = true;
    });
    // Callers observe the outcome through join(); this only stops an unobserved rejection from
    // being reported as unhandled after every caller has left.
    this.promise.catch(() => undefined);
  }

  join(signal: AbortSignal): Promise<T> {
    if (signal.aborted) return Promise.reject(signal.reason as Error);
    if (this.settled) return this.promise;
    this.waiters++;
    return new Promise<T>((resolve, reject) => {
      let done = false;
      const finish = (): void => {
        done = true;
        this.waiters--;
        signal.removeEventListener('abort', onAbort);
      };
      const onAbort = (): void => {
        if (done) return;
        finish();
        reject(signal.reason as Error);
        if (this.waiters === 0 && !this.settled) {
          this.onAbandon();
          this.controller.abort(signal.reason);
        }
      };
      signal.addEventListener('abort', onAbort, { once: true });
      // After an abort the outer promise is already settled and these calls do nothing.
      this.promise
        .finally(() => {
          if (!done) finish();
        })
        .then(resolve, reject);
    });
  }
}

/**
 * Memoises work by key: in flight or finished, the same key runs once. Work abandoned by all its
 * callers is forgotten, so a later caller starts it afresh.
 */
export class Memo<T> {
  private readonly tasks = new Map<string, SharedTask<T>>();

  get(key: string, signal: AbortSignal, run: MemoRun<T>): Promise<T> {
    let task = this.tasks.get(key);
    if (task === undefined) {
      const created = new SharedTask<T>(() => forget());
      const forget = (): void => {
        if (this.tasks.get(key) === created) this.tasks.delete(key);
      };
      this.tasks.set(key, created);
      created.start((shared) => run(shared, forget));
      task = created;
    }
    return task.join(signal);
  }

  /** Remembers a value found on the way (a manifest fetched by tag is also the manifest by digest). */
  seed(key: string, value: T): void {
    if (this.tasks.has(key)) return;
    const task = new SharedTask<T>(() => undefined);
    task.start(() => Promise.resolve(value));
    this.tasks.set(key, task);
  }

  /** Drops one entry: the next get runs the work again (callers already waiting keep theirs). */
  delete(key: string): void {
    this.tasks.delete(key);
  }

  clear(): void {
    this.tasks.clear();
  }
}
