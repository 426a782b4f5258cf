import { isDeepStrictEqual } from 'node:util';
import type {
  ContainerConfig,
  ContainerDetails,
  CreateSpec,
  EndpointSettings,
  HostConfig,
  ImageDefaults,
  MountSpec,
} from '../domain/index.js';

/**
 * The spec that recreates `old` on a new image: the same Config, HostConfig and networks, minus
 * whatever the container only had because the *old image* set it, so the new image's defaults
 * (a new ENV, CMD, HEALTHCHECK, ...) apply. Values the user set keep winning. Pure.
 */
export function buildRecreateSpec(old: ContainerDetails, oldImage: ImageDefaults, image: string): CreateSpec {
  const config = withoutImageDefaults(old.config, oldImage);
  config.Image = image;
  // A default hostname is the container's short id; copying it would give the new container the old
  // one's id as its name. The engine assigns the new id when Hostname is left empty.
  if (config.Hostname === old.id.slice(0, 12)) delete config.Hostname;

  const hostConfig: HostConfig = { ...old.hostConfig };
  if (old.hostConfig.Links) hostConfig.Links = old.hostConfig.Links.map(toCreateLink);
  const anonymous = anonymousVolumeMounts(old);
  if (anonymous.length > 0) hostConfig.Mounts = [...(old.hostConfig.Mounts ?? []), ...anonymous];

  const { primary, extra } = splitNetworks(old);
  return { name: old.name, config, hostConfig, primaryNetwork: primary, extraNetworks: extra };
}

/** Config with every value that equals the old image's default removed. */
export function withoutImageDefaults(config: ContainerConfig, image: ImageDefaults): ContainerConfig {
  const result: ContainerConfig = { ...config };

  const imageEnv = new Set(image.Env ?? []);
  if (config.Env) result.Env = config.Env.filter((entry) => !imageEnv.has(entry));

  if (config.Labels) {
    const imageLabels = image.Labels ?? {};
    result.Labels = Object.fromEntries(
      Object.entries(config.Labels).filter(([key, value]) => imageLabels[key] !== value),
    );
  }
  result.ExposedPorts = withoutKeys(config.ExposedPorts, image.ExposedPorts);
  result.Volumes = withoutKeys(config.Volumes, image.Volumes);

  // Whole values: equal to the image's means the user did not set them.
  for (const field of ['Cmd', 'Entrypoint', 'WorkingDir', 'User', 'Healthcheck', 'StopSignal'] as const) {
    if (config[field] !== undefined && isDeepStrictEqual(config[field], image[field] ?? emptyOf(field))) {
      delete result[field];
    }
  }
  return result;
}

function emptyOf(field: string): unknown {
  return field === 'WorkingDir' || field === 'User' || field === 'StopSignal' ? '' : null;
}

function withoutKeys(
  own: Record<string, object> | null | undefined,
  image: Record<string, object> | null | undefined,
): Record<string, object> | null | undefined {
  if (!own) return own;
  const imageKeys = new Set(Object.keys(image ?? {}));
  return Object.fromEntries(Object.entries(own).filter(([key]) => !imageKeys.has(key)));
}

/** Inspect reports links as `/target:/self/alias`; create wants `target:alias`. */
function toCreateLink(link: string): string {
  const [target = '', alias = ''] = link.split(':');
  return `${target.replace(/^\//, '')}:${alias.slice(alias.lastIndexOf('/') + 1)}`;
}

/**
 * Anonymous volumes (from the image's VOLUME or `-v /path`) get a fresh empty volume on a plain
 * recreate. Mounting the old volume by name at the same path keeps the data, as compose does.
 */
function anonymousVolumeMounts(old: ContainerDetails): MountSpec[] {
  const declared = new Set<string>();
  for (const bind of old.hostConfig.Binds ?? []) declared.add(bind.split(':')[1] ?? '');
  for (const mount of old.hostConfig.Mounts ?? []) if (mount.Target) declared.add(mount.Target);
  return old.mounts
    .filter((mount) => mount.Type === 'volume' && mount.Name && !declared.has(mount.Destination))
    .map((mount) => ({ Type: 'volume', Source: mount.Name, Target: mount.Destination }));
}

/**
 * The network the container is created on (its NetworkMode) and the user networks to connect
 * before start. Endpoint settings keep what the user chose (aliases, static IPAM, links, driver
 * options) and drop runtime state (addresses the engine assigned, endpoint and network ids).
 */
function splitNetworks(old: ContainerDetails): {
  primary: CreateSpec['primaryNetwork'];
  extra: CreateSpec['extraNetworks'];
} {
  const mode = old.hostConfig.NetworkMode ?? 'default';
  const shortId = old.id.slice(0, 12);
  const entries = Object.entries(old.networks).map(([name, endpoint]) => ({
    name,
    endpoint: userEndpointSettings(endpoint, shortId),
  }));
  // host, none and container:X have no endpoints of their own to recreate.
  if (mode === 'host' || mode === 'none' || mode.startsWith('container:')) {
    return { primary: undefined, extra: [] };
  }
  const primaryName = mode === 'default' ? 'bridge' : mode;
  const primary = entries.find((entry) => entry.name === primaryName);
  const extra = entries.filter((entry) => entry !== primary);
  return { primary, extra };
}

function userEndpointSettings(endpoint: EndpointSettings, oldShortId: string): EndpointSettings {
  const result: EndpointSettings = {};
  // The engine adds the container's short id as an alias on user networks; the new container gets
  // its own, and carrying the old one would make DNS answer for a container that no longer exists.
  const aliases = (endpoint.Aliases ?? []).filter((alias) => alias !== oldShortId);
  if (aliases.length > 0) result.Aliases = aliases;
  if (endpoint.IPAMConfig && Object.values(endpoint.IPAMConfig).some((value) => value)) {
    result.IPAMConfig = endpoint.IPAMConfig;
  }
  if (endpoint.Links && endpoint.Links.length > 0) result.Links = endpoint.Links;
  if (endpoint.DriverOpts) result.DriverOpts = endpoint.DriverOpts;
  return result;
}
