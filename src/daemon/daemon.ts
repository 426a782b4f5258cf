import type { CycleReport } from '../domain/run.js';
import type { EventBus } from '../events/index.js';
import type { RunQueue } from '../scheduler/index.js';
import type { Store } from '../store/index.js';
import type { CycleDeps } from '../updater/index.js';
import type { FleetController } from '../fleet/index.js';
import type { HaveFile } from '../bundle/format.js';

/**
 * The running daemon as its services see it (the API, GitOps, schedules): the cycle's
 * dependencies with the store and the event bus, and the run queue every run goes through.
 * `tidewatch run` (runDaemon, run-daemon.ts) builds it; services get it, never the CLI.
 */
export interface Daemon {
  readonly deps: CycleDeps & { readonly store: Store; readonly events: EventBus };
  /** Every run goes through here: one at a time, bursts merged (see RunQueue). */
  readonly runs: RunQueue<CycleReport>;
  /** With --fleet: the fleet controller, whose routes the API serves (src/fleet). */
  readonly fleet?: FleetController | undefined;
  /** What this host holds for the next offline bundle (`bundle have`, src/bundle). */
  readonly bundleHave?: (() => Promise<HaveFile>) | undefined;
}

/** A service started with the daemon; stopped (in reverse order) after the last run finished. */
export interface Service {
  stop(): Promise<void>;
}

export type ServiceStarter = (daemon: Daemon) => Promise<Service>;
