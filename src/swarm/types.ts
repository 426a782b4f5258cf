import type { Platform } from '../domain/index.js';
import type { PullAuth } from '../engine/index.js';

/** How a service places its tasks. Jobs run to completion and are never updated by Tidewatch. */
export type ServiceMode = 'replicated' | 'global' | 'replicated-job' | 'global-job';

/**
 * The swarm's `UpdateStatus.State` (https://docs.docker.com/reference/api/engine/version/v1.41/#tag/Service).
 * A newer engine may add states: they are kept as text and followed like `updating`.
 */
export type SwarmUpdateState =
  'updating' | 'paused' | 'completed' | 'rollback_started' | 'rollback_paused' | 'rollback_completed';

export interface SwarmUpdateStatus {
  readonly state: SwarmUpdateState | (string & {});
  readonly message: string;
  /** As the manager wrote it; tells one update's status from the next one's. */
  readonly startedAt: string | undefined;
}

/**
 * `Spec.UpdateConfig` as in the Engine API: durations in nanoseconds, names as the API spells them,
 * because it is handed back to the engine unchanged.
 */
export interface SwarmUpdateConfig {
  readonly Parallelism?: number;
  readonly Delay?: number;
  readonly FailureAction?: string;
  readonly Monitor?: number;
  readonly MaxFailureRatio?: number;
  readonly Order?: string;
  readonly [field: string]: unknown;
}

/** A service spec exactly as the engine returned it: an update hands it back with one field changed. */
export type ServiceSpec = Readonly<Record<string, unknown>>;

/** One service, as far as checking and updating it needs. */
export interface ServiceDetails {
  readonly id: string;
  readonly name: string;
  /** `Version.Index`: an update names the version it changes, so a concurrent change is refused. */
  readonly version: number;
  /** `TaskTemplate.ContainerSpec.Image`, usually `repo:tag@sha256:...`; '' when not a container service. */
  readonly image: string;
  /** `Spec.Labels`. */
  readonly serviceLabels: Readonly<Record<string, string>>;
  /** `TaskTemplate.ContainerSpec.Labels`: the labels of its tasks' containers. */
  readonly containerLabels: Readonly<Record<string, string>>;
  readonly mode: ServiceMode;
  /** The first of `Placement.Platforms`, which the docker CLI fills from the image. */
  readonly platform: Platform | undefined;
  readonly updateConfig: SwarmUpdateConfig | undefined;
  readonly updateStatus: SwarmUpdateStatus | undefined;
  readonly spec: ServiceSpec;
}

/** One task of a service, as far as explaining a failed update needs. */
export interface TaskSummary {
  readonly id: string;
  readonly image: string;
  readonly desiredState: string;
  readonly state: string;
  /** `Status.Err`, e.g. `task: non-zero exit (1)`; '' when none. */
  readonly error: string;
}

export interface SwarmState {
  /** Whether this engine is an active swarm manager (it can list and update services). */
  readonly manager: boolean;
  /** `Swarm.LocalNodeState`: inactive, pending, active, error, locked. */
  readonly nodeState: string;
}

/**
 * Swarm services as Tidewatch needs them: domain types in and out, like the container Engine port,
 * so the service cycle never sees a dockerode object.
 */
export interface SwarmEngine {
  state(): Promise<SwarmState>;
  /** The manager's own platform: the one to check when a service names none. */
  platform(): Promise<Platform>;
  listServices(): Promise<ServiceDetails[]>;
  /** undefined when there is no such service. */
  inspectService(id: string): Promise<ServiceDetails | undefined>;
  /**
   * Replaces the spec of version `version` of the service with `spec`. `auth` goes to the manager
   * as X-Registry-Auth, which hands it to every node that pulls; without it the service keeps the
   * credentials it had. Resolves to the manager's warnings.
   */
  updateService(
    id: string,
    version: number,
    spec: ServiceSpec,
    auth: PullAuth | undefined,
    signal?: AbortSignal,
  ): Promise<readonly string[]>;
  listTasks(serviceId: string): Promise<TaskSummary[]>;
}
