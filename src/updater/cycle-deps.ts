import type { Settings } from '../config/index.js';
import type { Engine } from '../engine/index.js';
import type { ContainerInventory } from '../inventory/index.js';
import type { CredentialStore, RegistryClient } from '../registry/index.js';
import type { Logger } from '../log/index.js';
import type { PolicyReader, Store, UpdateTrigger } from '../store/index.js';
import type { ContainerSummary, ImageMatcher } from '../domain/index.js';
import type { EventBus } from '../events/index.js';
import type { Clock } from '../domain/clock.js';
import type { SwarmEngine } from '../swarm/index.js';
import type { ScheduleGate } from '../pipeline/index.js';
import type { SignatureGate } from '../signature/index.js';
import type { ComposeAwareness } from './compose-awareness.js';

/**
 * What a cycle runs with (its ports and settings) and what one run asks for: types only, so the
 * cycle's parts (check, policies, apply, group, rollback) share them without importing the cycle.
 */

export interface CycleDeps {
  readonly engine: Engine;
  /** Where each cycle gets its registry session: the client, or a fleet member's targets (src/fleet). */
  readonly registry: Pick<RegistryClient, 'session'>;
  readonly credentials: CredentialStore;
  readonly logger: Logger;
  readonly settings: Readonly<Settings>;
  /** The container this process runs in, if any: never touched by a cycle. */
  readonly selfId?: string | undefined;
  /** The journal, history and remembered bad digests; `check` runs without one. */
  readonly store?: Store | undefined;
  /** Test-only: called after each journal write, to kill the process at a named step. */
  readonly afterJournal?: ((step: string) => void) | undefined;
  /** Where the cycle says what it saw; the journal's steps reach it through observeJournal. */
  readonly events?: EventBus | undefined;
  /** The time cooldowns, windows and approval deadlines are decided at; default the system clock. */
  readonly clock?: Clock | undefined;
  /** `check`: the store's approvals and first sightings, read-only (check opens no store). */
  readonly policyReader?: PolicyReader | undefined;
  /** Per-container schedules (`tidewatch.schedule`): whose own cron fired (see cycle-policy.ts). */
  readonly schedules?: ScheduleGate | undefined;
  /** Asks for a run of `names` at `at` (epoch ms): when a window opens or a cooldown ends. */
  readonly wakeAt?: ((names: readonly string[], at: number) => void) | undefined;
  /** The signature gate, when --signature-key names keys (src/signature); wired in src/wiring.ts. */
  readonly signatures?: SignatureGate | undefined;
  /** Compose awareness (src/compose, wired in src/wiring.ts); undefined: the engine alone. */
  readonly compose?: ComposeAwareness | undefined;
  /** Swarm services, when the engine is a manager (src/swarm); undefined: not watched. */
  readonly swarm?: SwarmEngine | undefined;
  /** `run`: container details kept between cycles, from the engine's events (src/inventory). */
  readonly inventory?: ContainerInventory | undefined;
  /**
   * Given the container Tidewatch runs in at the end of every full update run, after the other
   * containers: the self-update (src/self-update), which never happens inside the cycle itself.
   */
  readonly onSelf?: ((self: ContainerSummary, signal: AbortSignal) => Promise<void>) | undefined;
}

export interface CycleOptions {
  /** Only these containers; all when empty. */
  readonly names: readonly string[];
  /** false: check only, change nothing. */
  readonly update: boolean;
  readonly signal: AbortSignal;
  /** Asked before each update; true stops the cycle after the container in flight (shutdown). */
  readonly shouldStop?: () => boolean;
  /** What started this cycle, for the history. */
  readonly trigger?: UpdateTrigger;
  /** A targeted run: only containers on these images (see imageMatcher); the others are not reported. */
  readonly images?: ImageMatcher | undefined;
}
