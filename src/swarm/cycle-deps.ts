import type { SignatureGate } from '../signature/index.js';
import type { Settings } from '../config/index.js';
import type { Clock, ImageMatcher, Sleep } from '../domain/index.js';
import type { EventBus } from '../events/index.js';
import type { Logger } from '../log/index.js';
import type { CredentialStore, RegistrySession } from '../registry/index.js';
import type { Store, UpdateTrigger } from '../store/index.js';
import type { PolicyState, ScheduleGate } from '../pipeline/index.js';
import type { AfterJournal } from './journal.js';
import type { SwarmEngine } from './types.js';

/** What the service cycle needs; a cycle's dependencies (CycleDeps) have all of it. */
export interface ServiceCycleDeps {
  /** undefined: services are not watched (--swarm off, or a test without them). */
  readonly swarm?: SwarmEngine | undefined;
  readonly credentials: CredentialStore;
  readonly logger: Logger;
  readonly settings: Readonly<Settings>;
  readonly store?: Store | undefined;
  readonly events?: EventBus | undefined;
  readonly afterJournal?: AfterJournal;
  readonly clock?: Clock | undefined;
  /** How the follow loop waits; default real timers. */
  readonly sleep?: Sleep | undefined;
  /** Time between two looks at a service under update; default 1 s. */
  readonly swarmPollMs?: number | undefined;
  /** Per-subject schedules (`tidewatch.schedule`): whose own cron fired. */
  readonly schedules?: ScheduleGate | undefined;
  /** Asks for a run of `names` at `at` (epoch ms): when a window opens or a cooldown ends. */
  readonly wakeAt?: ((names: readonly string[], at: number) => void) | undefined;
  /** The signature gate, when --signature-key names keys (src/signature). */
  readonly signatures?: SignatureGate | undefined;
}

/** What the container part of the cycle hands on: its registry session and its policy state. */
export interface ServiceCycleContext {
  /** One manifest request per reference, shared with the containers. */
  readonly registry: RegistrySession;
  /** First sightings and approvals, recorded in an update run, read in `check`. */
  readonly policyState: PolicyState;
}

export interface ServiceCycleOptions {
  readonly names: readonly string[];
  readonly update: boolean;
  readonly signal: AbortSignal;
  readonly shouldStop?: (() => boolean) | undefined;
  readonly trigger: UpdateTrigger;
  readonly images?: ImageMatcher | undefined;
}
