import { Cron } from 'croner';
import { readPolicyLabels } from '../config/index.js';
import { systemClock, type Clock } from '../domain/clock.js';
import { describeError } from '../domain/errors.js';
import type { ScheduleGate } from '../pipeline/index.js';
import { isServiceSubject, selectServices } from '../swarm/index.js';
import { selectContainers, type CycleDeps } from '../updater/index.js';
import type { Daemon, Service, ServiceStarter } from './daemon.js';

/** What `run` wires from here: the service, and the two hooks the cycle calls (see CycleDeps). */
export interface OwnSchedules {
  readonly start: ServiceStarter;
  readonly gate: ScheduleGate;
  readonly wakeAt: (names: readonly string[], at: number) => void;
}

export interface OwnSchedulesOptions {
  readonly clock?: Clock;
  /** How often containers and services are read again for new or changed schedules (default 1 minute). */
  readonly rescanMs?: number;
}

const DEFAULT_RESCAN_MS = 60_000;
// setTimeout's limit (about 24.8 days); a later wake is re-armed by the run it triggers.
const MAX_DELAY_MS = 2 ** 31 - 1;
// A wake lands just after the moment it waits for, never a hair before it.
const WAKE_MARGIN_MS = 1000;

/**
 * Own schedules and wake-ups, beside the global scheduler in `run`:
 * - a container or a swarm service labelled `tidewatch.schedule` gets a cron of its own, which asks
 *   the run queue for a run of it alone; the global schedule's runs leave it out
 *   (src/pipeline/own-schedule.ts), except while its own run waits, so a merged run still covers it;
 * - an update that waits for a window or a cooldown is checked again when the wait ends;
 * - an approval given from the CLI (which cannot reach the daemon) is picked up within a rescan.
 * Containers and services are read again after every check and every `rescanMs`.
 */
export function ownSchedules(options: OwnSchedulesOptions = {}): OwnSchedules {
  const clock = options.clock ?? systemClock;
  const due = new Map<string, number>();
  const wakes = new Map<string, { readonly at: number; readonly timer: NodeJS.Timeout }>();
  const crons = new Map<string, { readonly schedule: string; readonly cron: Cron }>();
  const requestedApprovals = new Set<number>();
  let daemon: Daemon | undefined;

  const request = (names: readonly string[], why: string): Promise<void> => {
    const running = daemon;
    if (running === undefined) return Promise.resolve();
    running.deps.logger.info({ names, why }, 'run requested');
    return running.runs.request({ trigger: 'schedule', names }).then(
      () => undefined,
      (error: unknown) =>
        running.deps.logger.warn({ names, reason: describeError(error) }, 'requested run failed'),
    );
  };

  const fire = (name: string): void => {
    due.set(name, (due.get(name) ?? 0) + 1);
    void request([name], 'its own schedule').finally(() => {
      const left = (due.get(name) ?? 1) - 1;
      if (left > 0) due.set(name, left);
      else due.delete(name);
    });
  };

  const wakeAt = (names: readonly string[], at: number): void => {
    if (daemon === undefined) return;
    for (const name of names) {
      const armed = wakes.get(name);
      if (armed !== undefined && armed.at <= at) continue;
      if (armed !== undefined) clearTimeout(armed.timer);
      const delay = Math.min(MAX_DELAY_MS, Math.max(0, at - clock()) + WAKE_MARGIN_MS);
      const timer = setTimeout(() => {
        wakes.delete(name);
        void request([name], 'a wait ended');
      }, delay);
      timer.unref();
      wakes.set(name, { at, timer });
    }
  };

  const scan = async (running: Daemon): Promise<void> => {
    const { deps } = running;
    const containers = await deps.engine.listContainers({ all: true });
    // Stopped while the engine answered: arming a cron now would keep the process alive for ever.
    if (daemon !== running) return;
    const { selections } = selectContainers(containers, { ...deps.settings, names: [], selfId: deps.selfId });
    const wanted = new Map<string, string>();
    for (const selection of selections) {
      if (selection.kind !== 'watch') continue;
      try {
        const schedule = readPolicyLabels(selection.container.labels).schedule;
        if (schedule !== undefined) wanted.set(selection.container.name, schedule);
      } catch {
        // A malformed label: the cycle reports the container as unknown, with the reason.
      }
    }
    const services = await serviceSchedules(deps);
    if (daemon !== running) return;
    for (const [name, schedule] of services ?? []) wanted.set(name, schedule);
    for (const [name, armed] of crons) {
      if (wanted.get(name) === armed.schedule) continue;
      // Services could not be read this time: their crons stay as they were.
      if (services === undefined && isServiceSubject(name)) continue;
      armed.cron.stop();
      crons.delete(name);
    }
    for (const [name, schedule] of wanted) {
      if (crons.has(name)) continue;
      const cron = new Cron(schedule, () => fire(name));
      crons.set(name, { schedule, cron });
      deps.logger.info(
        { container: name, schedule, next: cron.nextRun()?.toISOString() },
        'checking on its own schedule',
      );
    }
    // Approvals given outside the daemon (tidewatch approve): run each approved update once.
    for (const approval of deps.store.approvals.list({ states: ['approved'] })) {
      if (requestedApprovals.has(approval.id)) continue;
      requestedApprovals.add(approval.id);
      void request([approval.containerName], `approval ${approval.id} was approved`);
    }
  };

  const start: ServiceStarter = async (running): Promise<Service> => {
    daemon = running;
    let scanning: Promise<void> | undefined;
    const rescan = (): void => {
      scanning ??= scan(running)
        .catch((error: unknown) =>
          running.deps.logger.warn({ reason: describeError(error) }, 'could not read container schedules'),
        )
        .finally(() => (scanning = undefined));
    };
    await scan(running).catch((error: unknown) =>
      running.deps.logger.warn({ reason: describeError(error) }, 'could not read container schedules'),
    );
    const unsubscribe = running.deps.events.subscribe((event) => {
      if (event.type === 'check-finished') rescan();
    });
    const interval = setInterval(rescan, options.rescanMs ?? DEFAULT_RESCAN_MS);
    interval.unref();
    return {
      stop: async (): Promise<void> => {
        unsubscribe();
        clearInterval(interval);
        daemon = undefined;
        // A scan in flight finishes first, so no cron it arms outlives the stop.
        await scanning;
        for (const { cron } of crons.values()) cron.stop();
        crons.clear();
        for (const { timer } of wakes.values()) clearTimeout(timer);
        wakes.clear();
      },
    };
  };

  return { start, gate: { isDue: (name) => (due.get(name) ?? 0) > 0 }, wakeAt };
}

/**
 * The swarm services with a cron of their own, by `service:NAME`, when the engine is a manager and
 * services are watched; undefined when they could not be read (the next scan tries again).
 */
async function serviceSchedules(deps: CycleDeps): Promise<Map<string, string> | undefined> {
  const wanted = new Map<string, string>();
  const { swarm, settings, logger } = deps;
  if (swarm === undefined || settings.swarm === 'off') return wanted;
  try {
    if (!(await swarm.state()).manager) return wanted;
    const { selections } = selectServices(await swarm.listServices(), { ...settings, names: [] });
    for (const selection of selections) {
      if (selection.kind === 'watch' && selection.policy.schedule !== undefined)
        wanted.set(selection.subject, selection.policy.schedule);
    }
    return wanted;
  } catch (error) {
    logger.warn({ reason: describeError(error) }, 'could not read service schedules');
    return undefined;
  }
}
