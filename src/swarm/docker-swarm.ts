import type Docker from 'dockerode';
import { z } from 'zod';
import type { Platform } from '../domain/index.js';
import { engineError, statusOf, type EngineClient, type PullAuth } from '../engine/index.js';
import { toServiceDetails, toTaskSummary } from './map.js';
import type { ServiceDetails, ServiceSpec, SwarmEngine, SwarmState, TaskSummary } from './types.js';

/** Swarm services through the engine client's connection (one client, one negotiated API version). */
export function connectSwarm(client: Pick<EngineClient, 'docker'>): SwarmEngine {
  return new DockerSwarm(client.docker);
}

const Info = z.looseObject({
  Swarm: z
    .looseObject({ LocalNodeState: z.string().optional(), ControlAvailable: z.boolean().optional() })
    .optional(),
});
const Version = z.looseObject({ Os: z.string().min(1), Arch: z.string().min(1) });
const UpdateAnswer = z.looseObject({ Warnings: z.array(z.string()).nullish() }).nullish();

class DockerSwarm implements SwarmEngine {
  private platformOnce: Promise<Platform> | undefined;

  constructor(private readonly docker: Docker) {}

  async state(): Promise<SwarmState> {
    let info: z.infer<typeof Info>;
    try {
      info = Info.parse(await this.docker.info());
    } catch (error) {
      throw engineError('reading the engine info', error);
    }
    const nodeState = info.Swarm?.LocalNodeState ?? 'inactive';
    return { manager: nodeState === 'active' && info.Swarm?.ControlAvailable === true, nodeState };
  }

  platform(): Promise<Platform> {
    this.platformOnce ??= this.docker.version().then(
      (answer) => {
        const version = Version.parse(answer);
        return { os: version.Os, architecture: version.Arch };
      },
      (error: unknown) => {
        this.platformOnce = undefined;
        throw engineError('reading the engine version', error);
      },
    );
    return this.platformOnce;
  }

  async listServices(): Promise<ServiceDetails[]> {
    let rows: unknown[];
    try {
      rows = await this.docker.listServices();
    } catch (error) {
      throw engineError('listing services', error);
    }
    return rows.map(toServiceDetails);
  }

  async inspectService(id: string): Promise<ServiceDetails | undefined> {
    let answer: unknown;
    try {
      answer = await this.docker.getService(id).inspect();
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw engineError(`inspecting service ${id}`, error);
    }
    return toServiceDetails(answer);
  }

  async updateService(
    id: string,
    version: number,
    spec: ServiceSpec,
    auth: PullAuth | undefined,
    signal?: AbortSignal,
  ): Promise<readonly string[]> {
    // Sent only when there are credentials: an empty X-Registry-Auth would replace the ones the
    // service already has, while no header keeps them.
    const authconfig = auth && {
      serveraddress: auth.serverAddress,
      ...(auth.username !== undefined ? { username: auth.username } : {}),
      ...(auth.password !== undefined ? { password: auth.password } : {}),
      ...(auth.identityToken !== undefined ? { identitytoken: auth.identityToken } : {}),
    };
    try {
      // dockerode sends `_query` as the query string and `_body` as the JSON body.
      const answer: unknown = await this.docker.getService(id).update({
        _query: { version },
        _body: spec,
        ...(authconfig ? { authconfig } : {}),
        ...(signal ? { abortSignal: signal } : {}),
      });
      return UpdateAnswer.parse(answer)?.Warnings ?? [];
    } catch (error) {
      throw engineError(`updating service ${id}`, error);
    }
  }

  async listTasks(serviceId: string): Promise<TaskSummary[]> {
    let rows: unknown[];
    try {
      rows = await this.docker.listTasks({ filters: { service: [serviceId] } });
    } catch (error) {
      throw engineError(`listing the tasks of service ${serviceId}`, error);
    }
    return rows.map(toTaskSummary);
  }
}
