import type {
  ContainerDetails,
  ContainerStatus,
  ContainerSummary,
  CreateSpec,
  EndpointSettings,
  ImageDefaults,
  LocalImage,
} from '../domain/index.js';

/** Registry credentials as the engine's pull wants them (X-Registry-Auth). */
export interface PullAuth {
  readonly username?: string | undefined;
  readonly password?: string | undefined;
  readonly identityToken?: string | undefined;
  readonly serverAddress: string;
}

/** How far a pull is: bytes downloaded of the layers whose size the engine reported so far. */
export interface PullProgress {
  readonly current: number;
  readonly total: number;
  /** The layers counted: the engine reports a layer's size when its download starts. */
  readonly layers: number;
}

/** How a command run inside a container ended. */
export type ExecResult =
  | { readonly kind: 'exited'; readonly exitCode: number; readonly output: string }
  | { readonly kind: 'timed-out'; readonly output: string };

export interface ImageDetails extends LocalImage {
  readonly defaults: ImageDefaults;
}

/**
 * The Docker engine as Tidewatch needs it: domain types in, domain types out, so the update logic
 * never sees an SDK object and can be read without knowing dockerode.
 */
export interface Engine {
  /** The API version in use after negotiation, e.g. `1.41`. */
  readonly apiVersion: string;
  /**
   * Runs the container's health check once, now: only where the engine does not run them itself
   * (Podman without systemd, see podman-health.ts); undefined for Docker.
   */
  readonly runHealthcheck?: ((id: string) => Promise<void>) | undefined;
  /**
   * True where inspect cannot tell an address or MAC the user chose from one the engine assigned
   * (Podman reports `IPAMConfig: null` and no `Config.MacAddress` either way): a stop-first
   * recreate then keeps the addresses in use (keep-addresses.ts). Undefined for Docker.
   */
  readonly addressesUnreported?: boolean | undefined;
  listContainers(options: { all: boolean }): Promise<ContainerSummary[]>;
  /** undefined when there is no such container. */
  inspectContainer(idOrName: string): Promise<ContainerDetails | undefined>;
  /** undefined when there is no such container. */
  containerStatus(idOrName: string): Promise<ContainerStatus | undefined>;
  /** The last `lines` lines of the container's output (stdout and stderr), for a rollback record. */
  containerLogs(idOrName: string, lines: number): Promise<string>;
  /** undefined when there is no such image. */
  inspectImage(reference: string): Promise<ImageDetails | undefined>;
  /**
   * Pulls an image; rejects with the engine's message when the pull fails. `onProgress` hears the
   * bytes downloaded as they grow (`tidewatch once` on a terminal shows them).
   */
  pullImage(
    reference: string,
    auth: PullAuth | undefined,
    signal?: AbortSignal,
    onProgress?: (progress: PullProgress) => void,
  ): Promise<void>;
  tagImage(source: string, repository: string, tag: string): Promise<void>;
  /** Creates a container (not started); resolves to its id. */
  createContainer(spec: CreateSpec): Promise<string>;
  connectNetwork(network: string, containerId: string, endpoint: EndpointSettings): Promise<void>;
  disconnectNetwork(network: string, containerId: string): Promise<void>;
  renameContainer(id: string, name: string): Promise<void>;
  startContainer(id: string): Promise<void>;
  /** Stops with the container's own stop signal, or `signal` when given, then kills after the timeout. */
  stopContainer(id: string, options: { timeoutSeconds: number; signal?: string | undefined }): Promise<void>;
  removeContainer(id: string, options?: { force?: boolean }): Promise<void>;
  /**
   * Runs a command inside a running container and waits for it, at most `timeoutMs` (0: no limit).
   * The engine cannot kill an exec, so a timed-out command may still be running in the container.
   */
  exec(id: string, command: readonly string[], options: { timeoutMs: number }): Promise<ExecResult>;
  /** Removes an image; false when it is still in use (the engine refuses). */
  removeImage(id: string): Promise<boolean>;
}
