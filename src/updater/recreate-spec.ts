import { equalsImageDefault } from './image-default-equal.js';
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
import { compareApiVersions } from '../engine/index.js';
import { normalizeInspectedHostConfig } from './engine-compat.js';

type NetworkEntry = { readonly name: string; readonly endpoint: EndpointSettings };

/**
 * The spec that recreates `old` on a new image: the same Config, HostConfig and networks, minus
 * whatever the container only had because the *old image* set it, so the new image's defaults
 * (a new ENV, CMD, HEALTHCHECK, ...) apply. Values the user set keep winning. Pure.
 *
 * `apiVersion` is the Engine API version the spec will be created with: it decides where a MAC
 * address goes (see `placeMacAddress`). docs/preserved-settings.md lists every rule with its reason.
 */
export function buildRecreateSpec(
  old: ContainerDetails,
  oldImage: ImageDefaults,
  image: string,
  apiVersion: string,
): CreateSpec {
  const config = withoutImageDefaults(old.config, oldImage);
  config.Image = image;
  const mode = old.hostConfig.NetworkMode ?? 'default';
  // Podman reports the container's default hostname in Config.Env too (HOSTNAME=<short id>, also in
  // another's network namespace; docs/podman.md): carried over, the new container's HOSTNAME would
  // name the old one. Docker never lists it. A HOSTNAME the user set is kept.
  const dropOwnHostnameEnv = (): void => {
    const ownHostname = `HOSTNAME=${old.id.slice(0, 12)}`;
    if (config.Env) config.Env = config.Env.filter((entry) => entry !== ownHostname);
  };
  if (mode.startsWith('container:')) {
    // The hostname and domain name inspect reports are the provider's: the engine copies them in,
    // and refuses a create that sets them ("conflicting options: hostname and the network mode").
    delete config.Hostname;
    delete config.Domainname;
    dropOwnHostnameEnv();
  } else if (config.Hostname === old.id.slice(0, 12)) {
    // A default hostname is the container's short id; copying it would give the new container the
    // old one's id as its name. The engine assigns the new id when Hostname is left empty.
    delete config.Hostname;
    dropOwnHostnameEnv();
  }

  const hostConfig: HostConfig = normalizeInspectedHostConfig(old.hostConfig);
  if (old.hostConfig.Links) hostConfig.Links = old.hostConfig.Links.map(toCreateLink);
  if (mode.startsWith('container:')) dropRefusedInSharedNamespace(config, hostConfig);
  const mounts = mountsKeepingAnonymousVolumes(old);
  if (mounts !== undefined) hostConfig.Mounts = mounts;

  const { primary, extra } = splitNetworks(old, mode);
  // Created on the network it is on, not on the one `bridge` means to the engine (see splitNetworks).
  if (mode === 'bridge' && primary !== undefined && primary.name !== 'bridge') {
    hostConfig.NetworkMode = primary.name;
  }
  return {
    name: old.name,
    config,
    hostConfig,
    primaryNetwork: placeMacAddress(config, primary, mode, apiVersion),
    extraNetworks: extra,
  };
}

/**
 * A container in another's network namespace has no network of its own: the engine refuses a
 * create that exposes or publishes ports, sets DNS, extra hosts, links or a MAC address
 * ("conflicting options: ... and the network mode"), even when inspect reported them, as it does
 * for ports an image EXPOSEs. The hostname is handled above. See moby's validateNetContainerMode.
 */
function dropRefusedInSharedNamespace(config: ContainerConfig, hostConfig: HostConfig): void {
  delete config.ExposedPorts;
  delete config.MacAddress;
  for (const key of [
    'PortBindings',
    'PublishAllPorts',
    'Dns',
    'DnsOptions',
    'DnsSearch',
    'ExtraHosts',
    'Links',
  ] as const) {
    delete hostConfig[key];
  }
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
    if (
      config[field] !== undefined &&
      equalsImageDefault(field, config[field], image[field] ?? emptyOf(field))
    ) {
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
 * HostConfig.Mounts with every anonymous volume of `old` named, or undefined when there is nothing
 * to change. An anonymous volume (the image's VOLUME or `-v /path`, both in Config.Volumes, or
 * `--mount type=volume` without a source) gets a fresh, empty volume on a plain recreate; mounting
 * the old one by name at the same path keeps its data, as compose does. Named volumes and binds
 * already say where their data is, and volumes from `--volumes-from` belong to the other container:
 * naming them here would also drop that mount's `:ro`.
 */
function mountsKeepingAnonymousVolumes(old: ContainerDetails): MountSpec[] | undefined {
  const volumeAt = new Map<string, string>();
  for (const mount of old.mounts) {
    if (mount.Type === 'volume' && mount.Name) volumeAt.set(mount.Destination, mount.Name);
  }
  if (volumeAt.size === 0) return undefined;

  const declared = new Set<string>();
  for (const bind of old.hostConfig.Binds ?? []) declared.add(bind.split(':')[1] ?? '');
  const mounts = (old.hostConfig.Mounts ?? []).map((mount): MountSpec => {
    if (mount.Target) declared.add(mount.Target);
    const name = mount.Target === undefined ? undefined : volumeAt.get(mount.Target);
    // `--mount type=volume,target=/x` has no Source: name it, keeping its other options.
    return mount.Type === 'volume' && !mount.Source && name ? { ...mount, Source: name } : mount;
  });
  for (const target of Object.keys(old.config.Volumes ?? {})) {
    const name = volumeAt.get(target);
    if (name && !declared.has(target)) mounts.push({ Type: 'volume', Source: name, Target: target });
  }
  return isDeepStrictEqual(mounts, old.hostConfig.Mounts ?? []) ? undefined : mounts;
}

/**
 * The network the container is created on (its NetworkMode) and the user networks to connect
 * before start. Endpoint settings keep what the user chose (aliases, static IPAM, links, driver
 * options, gateway priority) and drop runtime state (addresses, MACs and ids the engine assigned).
 */
function splitNetworks(
  old: ContainerDetails,
  mode: string,
): { primary: NetworkEntry | undefined; extra: NetworkEntry[] } {
  // host, none and container:X have no endpoints of their own to recreate.
  if (mode === 'host' || mode === 'none' || mode.startsWith('container:')) {
    return { primary: undefined, extra: [] };
  }
  const shortId = old.id.slice(0, 12);
  const entries = Object.entries(old.networks).map(([name, endpoint]) => ({
    name,
    networkId: endpoint.NetworkID ?? '',
    endpoint: userEndpointSettings(endpoint, shortId),
  }));
  const primaryName = mode === 'default' ? 'bridge' : mode;
  // NetworkMode may name the network by id (`docker run --network <id>`); networks are keyed by name.
  // Podman reports `bridge` for a container on any network, its default one (`podman`) and user
  // networks alike: when the mode names none of its networks, the first is the one it is created on.
  // Creating on `bridge` would join the engine's default network besides the container's own.
  const primary =
    entries.find((entry) => entry.name === primaryName) ??
    entries.find((entry) => entry.networkId !== '' && entry.networkId.startsWith(primaryName)) ??
    (mode === 'bridge' || entries.length === 1 ? entries[0] : undefined);
  return {
    primary: primary && { name: primary.name, endpoint: primary.endpoint },
    extra: entries
      .filter((entry) => entry !== primary)
      .map((entry) => ({ name: entry.name, endpoint: entry.endpoint })),
  };
}

function userEndpointSettings(endpoint: EndpointSettings, oldShortId: string): EndpointSettings {
  const result: EndpointSettings = {};
  // The engine adds the container's short id as an alias on user networks; the new container gets
  // its own, and carrying the old one would make DNS answer for a container that no longer exists.
  const aliases = (endpoint.Aliases ?? []).filter((alias) => alias !== oldShortId);
  if (aliases.length > 0) result.Aliases = aliases;
  if (endpoint.IPAMConfig && Object.values(endpoint.IPAMConfig).some((value) => isSet(value))) {
    result.IPAMConfig = endpoint.IPAMConfig;
  }
  if (endpoint.Links && endpoint.Links.length > 0) result.Links = endpoint.Links;
  if (endpoint.DriverOpts && Object.keys(endpoint.DriverOpts).length > 0) {
    result.DriverOpts = endpoint.DriverOpts;
  }
  // API 1.48+: which network provides the default gateway; 0 is the engine's default.
  if (typeof endpoint.GwPriority === 'number' && endpoint.GwPriority !== 0) {
    result.GwPriority = endpoint.GwPriority;
  }
  return result;
}

function isSet(value: unknown): boolean {
  return Array.isArray(value) ? value.length > 0 : Boolean(value);
}

/**
 * Only a MAC address the user chose is carried; one the engine generated is runtime state, and
 * pinning it could collide with the address the engine derives for another container.
 *
 * The endpoint's MacAddress in inspect is always the address in use, user-chosen or not. What the
 * user chose for the container's main network is reported in Config.MacAddress up to API 1.51
 * (Docker fills it in from the endpoint's desired address for compatibility). Create reads it from
 * Config.MacAddress below API 1.44 and from the endpoint's MacAddress from 1.44 on, so it goes where
 * this API version reads it. From API 1.52 inspect no longer reports it, so no MAC is carried.
 */
function placeMacAddress(
  config: ContainerConfig,
  primary: NetworkEntry | undefined,
  mode: string,
  apiVersion: string,
): NetworkEntry | undefined {
  const userMac = typeof config.MacAddress === 'string' ? config.MacAddress : '';
  delete config.MacAddress;
  const ownNetwork = mode !== 'host' && mode !== 'none' && !mode.startsWith('container:');
  if (userMac === '' || !ownNetwork) return primary;
  if (compareApiVersions(apiVersion, '1.44') < 0) {
    config.MacAddress = userMac;
    return primary;
  }
  const name = primary?.name ?? (mode === 'default' ? 'bridge' : mode);
  return { name, endpoint: { ...primary?.endpoint, MacAddress: userMac } };
}
