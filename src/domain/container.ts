/**
 * Containers as the engine describes them. Field names inside `config`, `hostConfig` and the
 * endpoint settings follow the Docker Engine API (https://docs.docker.com/reference/api/engine/)
 * on purpose: recreating a container means handing them back to the engine unchanged, so a
 * translation layer would only be a place for settings to get lost.
 */
export type ContainerState = 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead';

/** A container's runtime state, as verification watches it. */
export interface ContainerStatus {
  readonly state: ContainerState;
  /** `none` when neither the image nor the container defines a healthcheck. */
  readonly health: 'none' | 'starting' | 'healthy' | 'unhealthy';
  readonly restartCount: number;
  readonly startedAt: string;
  readonly exitCode: number;
}

/** One row of the container list: enough to select containers without inspecting them. */
export interface ContainerSummary {
  readonly id: string;
  readonly name: string;
  readonly state: ContainerState;
  readonly imageId: string;
  readonly labels: Readonly<Record<string, string>>;
}

export interface HealthConfig {
  readonly Test?: string[];
  readonly Interval?: number;
  readonly Timeout?: number;
  readonly StartPeriod?: number;
  readonly Retries?: number;
}

/** Container Config as in the Engine API; only the fields Tidewatch reasons about are named. */
export interface ContainerConfig {
  Hostname?: string;
  Domainname?: string;
  User?: string;
  Env?: string[] | null;
  Cmd?: string[] | null;
  Entrypoint?: string[] | null;
  Image?: string;
  Labels?: Record<string, string> | null;
  WorkingDir?: string;
  ExposedPorts?: Record<string, object> | null;
  Volumes?: Record<string, object> | null;
  Healthcheck?: HealthConfig | null;
  StopSignal?: string;
  StopTimeout?: number;
  [field: string]: unknown;
}

export interface HostConfig {
  NetworkMode?: string;
  Links?: string[] | null;
  Binds?: string[] | null;
  Mounts?: MountSpec[] | null;
  [field: string]: unknown;
}

export interface MountSpec {
  Type?: string;
  Source?: string;
  Target?: string;
  [field: string]: unknown;
}

/** A mount as inspect reports it (`Mounts` at the top level of container inspect). */
export interface MountPoint {
  readonly Type: string;
  readonly Name?: string;
  readonly Source?: string;
  readonly Destination: string;
}

export interface EndpointSettings {
  Aliases?: string[] | null;
  Links?: string[] | null;
  IPAMConfig?: Record<string, unknown> | null;
  NetworkID?: string;
  MacAddress?: string;
  DriverOpts?: Record<string, string> | null;
  [field: string]: unknown;
}

/** Everything needed to recreate a container, as container inspect reports it. */
export interface ContainerDetails {
  readonly id: string;
  readonly name: string;
  readonly state: ContainerState;
  readonly restartCount: number;
  readonly imageId: string;
  readonly config: ContainerConfig;
  readonly hostConfig: HostConfig;
  readonly mounts: readonly MountPoint[];
  /** Network name → endpoint settings. */
  readonly networks: Readonly<Record<string, EndpointSettings>>;
}

/** The defaults an image gives its containers (its config), as far as recreating needs them. */
export interface ImageDefaults {
  readonly Env?: string[] | null;
  readonly Cmd?: string[] | null;
  readonly Entrypoint?: string[] | null;
  readonly Labels?: Record<string, string> | null;
  readonly WorkingDir?: string;
  readonly User?: string;
  readonly ExposedPorts?: Record<string, object> | null;
  readonly Volumes?: Record<string, object> | null;
  readonly Healthcheck?: HealthConfig | null;
  readonly StopSignal?: string;
}

/** What to hand the engine to create a container, and the networks to join before it starts. */
export interface CreateSpec {
  readonly name: string;
  readonly config: ContainerConfig;
  readonly hostConfig: HostConfig;
  /** The network the container is created on (HostConfig.NetworkMode), with its endpoint settings. */
  readonly primaryNetwork: { readonly name: string; readonly endpoint: EndpointSettings } | undefined;
  /** Further user networks, connected after create and before start. */
  readonly extraNetworks: ReadonlyArray<{ readonly name: string; readonly endpoint: EndpointSettings }>;
}
