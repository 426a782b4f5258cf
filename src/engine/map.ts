import type Docker from 'dockerode';
import type {
  ContainerConfig,
  ContainerDetails,
  ContainerStatus,
  ContainerState,
  ContainerSummary,
  EndpointSettings,
  HostConfig,
  ImageDefaults,
} from '../domain/index.js';
import type { ImageDetails } from './engine.js';

/** Maps dockerode's answers to domain types; the only file that knows their shapes. */

export function toContainerSummary(row: Docker.ContainerInfo): ContainerSummary {
  return {
    id: row.Id,
    name: (row.Names[0] ?? row.Id).replace(/^\//, ''),
    state: row.State as ContainerState,
    imageId: row.ImageID,
    labels: row.Labels ?? {},
  };
}

export function toContainerDetails(info: Docker.ContainerInspectInfo): ContainerDetails {
  const networks = (info.NetworkSettings?.Networks ?? {}) as Record<string, EndpointSettings>;
  return {
    id: info.Id,
    name: info.Name.replace(/^\//, ''),
    state: info.State.Status as ContainerState,
    restartCount: info.RestartCount ?? 0,
    imageId: info.Image,
    config: info.Config as unknown as ContainerConfig,
    hostConfig: info.HostConfig as unknown as HostConfig,
    mounts: info.Mounts ?? [],
    networks,
  };
}

export function toImageDetails(info: Docker.ImageInspectInfo): ImageDetails {
  const variant = (info as { Variant?: string }).Variant;
  return {
    id: info.Id,
    repoDigests: info.RepoDigests ?? [],
    platform: {
      os: info.Os,
      architecture: info.Architecture,
      ...(variant ? { variant } : {}),
    },
    defaults: (info.Config ?? {}) as unknown as ImageDefaults,
  };
}

export function toContainerStatus(info: Docker.ContainerInspectInfo): ContainerStatus {
  const health = (info.State as { Health?: { Status?: string } }).Health?.Status;
  return {
    state: info.State.Status as ContainerState,
    health: health === 'starting' || health === 'healthy' || health === 'unhealthy' ? health : 'none',
    restartCount: info.RestartCount ?? 0,
    startedAt: info.State.StartedAt,
    exitCode: info.State.ExitCode,
  };
}
