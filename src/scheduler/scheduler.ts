import { Cron } from 'croner';
import { describeError } from '../domain/errors.js';
import type { Logger } from '../log/index.js';

export interface SchedulerOptions {
  /** Time between runs, counted from the end of the previous one; ignored with a schedule. */
  readonly intervalMs: number;
  /** 6-field cron expression (seconds first). */
  readonly schedule?: string | undefined;
  readonly runAtStart: boolean;
  readonly run: (trigger: string) => Promise<void>;
  readonly logger: Logger;
}

/**
 * Triggers runs on an interval or a cron schedule, one at a time: a trigger that fires while a run
 * is in flight is skipped, never queued behind it, so runs never overlap and never pile up.
 */
export class Scheduler {
  private inFlight: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private cron: Cron | undefined;
  private stopped = false;

  constructor(private readonly options: SchedulerOptions) {}

  start(): void {
    const { schedule, logger } = this.options;
    if (schedule !== undefined) {
      this.cron = new Cron(schedule, () => void this.trigger('schedule'));
      logger.info({ schedule, next: this.cron.nextRun()?.toISOString() }, 'checking on a schedule');
    } else {
      logger.info({ everySeconds: this.options.intervalMs / 1000 }, 'checking on an interval');
    }
    if (this.options.runAtStart) void this.trigger('startup');
    else this.armInterval();
  }

  /** Runs now unless a run is in flight; resolves when this trigger's run (if any) ends. */
  async trigger(reason: string): Promise<void> {
    if (this.stopped) return;
    if (this.inFlight) {
      this.options.logger.info({ trigger: reason }, 'a check is already running; this trigger is skipped');
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.inFlight = this.options
      .run(reason)
      .catch((error: unknown) => this.options.logger.error({ reason: describeError(error) }, 'run failed'))
      .finally(() => {
        this.inFlight = undefined;
        this.armInterval();
      });
    return this.inFlight;
  }

  /** Stops triggering and waits for the run in flight to finish. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.cron?.stop();
    if (this.timer) clearTimeout(this.timer);
    await this.inFlight;
  }

  private armInterval(): void {
    if (this.stopped || this.options.schedule !== undefined) return;
    this.timer = setTimeout(() => void this.trigger('interval'), this.options.intervalMs);
  }
}
