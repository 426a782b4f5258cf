import type Docker from 'dockerode';
import type {
  ContainerDetails,
  ContainerStatus,
  ContainerSummary,
  CreateSpec,
  EndpointSettings,
} from '../domain/index.js';
import type { Engine, ExecResult, ImageDetails, PullAuth, PullProgress } from './engine.js';
import { demuxToText, runExec } from './exec.js';
import { toContainerDetails, toContainerStatus, toContainerSummary, toImageDetails } from './map.js';
import { engineError, engineMessage, isNotFound, statusOf } from './docker-errors.js';
import { pullImage } from './docker-pull.js';

/** How the Docker adapter behaves, from the settings; the Engine port's calls stay the same. */
export interface EngineOptions {
  /**
   * A pull whose progress stream brings nothing new for this long is abandoned: the request to the
   * engine is aborted and pullImage rejects (code `pull-timeout`). 0 or unset: no limit.
   */
  readonly pullTimeoutMs?: number;
  /** Podman: runs a health check on demand (podman-health.ts). */
  readonly runHealthcheck?: (id: string) => Promise<void>;
  /** Podman: the image's HEALTHCHECK, which its Docker-compatible inspect leaves out (podman-health.ts). */
  readonly imageHealthcheck?: (id: string) => Promise<unknown>;
  /** Podman: inspect does not say which addresses were chosen (Engine.addressesUnreported). */
  readonly addressesUnreported?: boolean;
}

/** The containers-and-images part of an engine client (see engine-client.ts). */
export class DockerEngine implements Engine {
  constructor(
    private readonly docker: Docker,
    readonly apiVersion: string,
    private readonly options: EngineOptions = {},
  ) {
    this.runHealthcheck = options.runHealthcheck;
    this.addressesUnreported = options.addressesUnreported;
  }

  readonly runHealthcheck: ((id: string) => Promise<void>) | undefined;
  readonly addressesUnreported: boolean | undefined;

  async listContainers(options: { all: boolean }): Promise<ContainerSummary[]> {
    try {
      const rows = await this.docker.listContainers({ all: options.all });
      return rows.map(toContainerSummary);
    } catch (error) {
      throw engineError('listing containers', error);
    }
  }

  async inspectContainer(idOrName: string): Promise<ContainerDetails | undefined> {
    try {
      return toContainerDetails(await this.docker.getContainer(idOrName).inspect());
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw engineError(`inspecting container ${idOrName}`, error);
    }
  }

  async containerStatus(idOrName: string): Promise<ContainerStatus | undefined> {
    try {
      return toContainerStatus(await this.docker.getContainer(idOrName).inspect());
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw engineError(`inspecting container ${idOrName}`, error);
    }
  }

  async containerLogs(idOrName: string, lines: number): Promise<string> {
    try {
      const raw = await this.docker
        .getContainer(idOrName)
        .logs({ stdout: true, stderr: true, tail: lines, follow: false });
      return demuxToText(raw);
    } catch (error) {
      if (isNotFound(error)) return '';
      throw engineError(`reading the logs of ${idOrName}`, error);
    }
  }

  async inspectImage(reference: string): Promise<ImageDetails | undefined> {
    try {
      const details = toImageDetails(await this.docker.getImage(reference).inspect());
      const lookUp = this.options.imageHealthcheck;
      if (lookUp === undefined || details.defaults.Healthcheck !== undefined) return details;
      const healthcheck = await lookUp(details.id);
      return healthcheck === undefined
        ? details
        : {
            ...details,
            defaults: { ...details.defaults, Healthcheck: healthcheck },
          };
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw engineError(`inspecting image ${reference}`, error);
    }
  }

  pullImage(
    reference: string,
    auth: PullAuth | undefined,
    signal?: AbortSignal,
    onProgress?: (progress: PullProgress) => void,
  ): Promise<void> {
    return pullImage(this.docker, reference, auth, {
      signal,
      onProgress,
      pullTimeoutMs: this.options.pullTimeoutMs ?? 0,
    });
  }

  async tagImage(source: string, repository: string, tag: string): Promise<void> {
    try {
      await this.docker.getImage(source).tag({ repo: repository, tag });
    } catch (error) {
      throw engineError(`tagging ${source} as ${repository}:${tag}`, error);
    }
  }

  async createContainer(spec: CreateSpec): Promise<string> {
    const endpoints: Record<string, EndpointSettings> = {};
    if (spec.primaryNetwork) endpoints[spec.primaryNetwork.name] = spec.primaryNetwork.endpoint;
    try {
      const created = await this.docker.createContainer({
        ...spec.config,
        name: spec.name,
        HostConfig: spec.hostConfig,
        NetworkingConfig: { EndpointsConfig: endpoints },
      } as Docker.ContainerCreateOptions);
      return created.id;
    } catch (error) {
      throw engineError(`creating container ${spec.name}`, error);
    }
  }

  async connectNetwork(network: string, containerId: string, endpoint: EndpointSettings): Promise<void> {
    try {
      await this.docker
        .getNetwork(network)
        .connect({ Container: containerId, EndpointConfig: endpoint as Docker.EndpointSettings });
    } catch (error) {
      throw engineError(`connecting ${containerId.slice(0, 12)} to network ${network}`, error);
    }
  }

  async disconnectNetwork(network: string, containerId: string): Promise<void> {
    try {
      await this.docker.getNetwork(network).disconnect({ Container: containerId, Force: false });
    } catch (error) {
      throw engineError(`disconnecting ${containerId.slice(0, 12)} from network ${network}`, error);
    }
  }

  async renameContainer(id: string, name: string): Promise<void> {
    try {
      await this.docker.getContainer(id).rename({ name });
    } catch (error) {
      throw engineError(`renaming ${id.slice(0, 12)} to ${name}`, error);
    }
  }

  async startContainer(id: string): Promise<void> {
    try {
      await this.docker.getContainer(id).start();
    } catch (error) {
      if (statusOf(error) === 304) return; // already running
      throw engineError(`starting ${id.slice(0, 12)}`, error);
    }
  }

  async stopContainer(
    id: string,
    options: { timeoutSeconds: number; signal?: string | undefined },
  ): Promise<void> {
    const container = this.docker.getContainer(id);
    try {
      if (options.signal === undefined) {
        await container.stop({ t: options.timeoutSeconds });
        return;
      }
      // A stop-signal label overrides the container's own signal: send it, give the process its
      // timeout to exit, then let stop() kill it.
      await container.kill({ signal: options.signal });
      const exited = container.wait({ condition: 'not-running' }).then(() => true);
      const timedOut = new Promise<boolean>((resolve) =>
        setTimeout(() => resolve(false), options.timeoutSeconds * 1000).unref(),
      );
      if (!(await Promise.race([exited, timedOut]))) await container.stop({ t: 0 });
    } catch (error) {
      const status = statusOf(error);
      if (status === 304 || (status === 409 && /not running/i.test(engineMessage(error)))) return;
      throw engineError(`stopping ${id.slice(0, 12)}`, error);
    }
  }

  async removeContainer(id: string, options: { force?: boolean } = {}): Promise<void> {
    try {
      // Volumes are kept: anonymous volumes are carried into the new container, never deleted.
      await this.docker.getContainer(id).remove({ force: options.force ?? false, v: false });
    } catch (error) {
      if (isNotFound(error)) return;
      throw engineError(`removing container ${id.slice(0, 12)}`, error);
    }
  }

  async exec(id: string, command: readonly string[], options: { timeoutMs: number }): Promise<ExecResult> {
    try {
      return await runExec(this.docker.getContainer(id), command, options.timeoutMs);
    } catch (error) {
      throw engineError(`running a command in ${id.slice(0, 12)}`, error);
    }
  }

  async removeImage(id: string): Promise<boolean> {
    try {
      await this.docker.getImage(id).remove();
      return true;
    } catch (error) {
      if (statusOf(error) === 409) return false;
      if (isNotFound(error)) return true;
      throw engineError(`removing image ${id}`, error);
    }
  }
}
