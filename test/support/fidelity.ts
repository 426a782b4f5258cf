import { constants } from 'node:os';
import { labIsPodman } from '../lab/lab-engine.js';
import { isDeepStrictEqual } from 'node:util';
import type Docker from 'dockerode';

/**
 * The recreate-fidelity comparer: what differs between a container and the one an update made of
 * it, with the differences an update is expected to make normalised away. The matrix that uses it
 * is in fidelity-matrix.ts.
 */

type Inspect = Docker.ContainerInspectInfo;
type Json = Record<string, unknown>;

const signalNames = new Map(Object.entries(constants.signals).map(([name, number]) => [number, name]));

export interface FieldDifference {
  readonly path: string;
  readonly old: unknown;
  readonly new: unknown;
}

const OWN_ID = '<own short id>';

/**
 * Every difference between the old and the new container's Config, HostConfig and network
 * endpoints (Aliases, IPAMConfig, Links, DriverOpts, and MacAddress when the user set it), after
 * removing the differences an update is expected to make. What is not compared at all: the image
 * id, ids, times, state, and the addresses, endpoint ids and host ports the engine assigns at
 * start (they live outside Config and HostConfig, in NetworkSettings).
 */
export function compareContainers(old: Inspect, now: Inspect): FieldDifference[] {
  const differences: FieldDifference[] = [];
  diff(view(old, old), view(now, old), '', differences);
  return differences;
}

export function formatDifferences(differences: readonly FieldDifference[]): string {
  return differences
    .map((d) => `  ${d.path}: ${JSON.stringify(d.old)} → ${JSON.stringify(d.new)}`)
    .join('\n');
}

/** The compared part of `info`, normalised; `old` says what the user set (MAC, anonymous volumes). */
function view(info: Inspect, old: Inspect): Json {
  const config = { ...(info.Config as unknown as Json) };
  // A default hostname is the container's own short id: the new one must have its own, not the old one's.
  if (config.Hostname === shortId(info)) config.Hostname = OWN_ID;
  // Podman reports Env in no fixed order (a Go map) and adds HOSTNAME=<short id>: compare the set,
  // with the container's own id in place of its id. Order never matters once names are unique.
  if (Array.isArray(config.Env)) {
    config.Env = (config.Env as string[])
      .map((entry) => (entry === `HOSTNAME=${shortId(info)}` ? `HOSTNAME=${OWN_ID}` : entry))
      .sort();
  }
  // Podman reports a health check's default retries (3) once the check was given at create, and
  // none when it came from the image: the same check.
  const health = config.Healthcheck as Json | undefined;
  if (labIsPodman() && health !== undefined && health !== null && health.Retries === undefined) {
    config.Healthcheck = { ...health, Retries: 3 };
  }
  // Podman reports the stop signal by number (`2`), the image and Docker by name (`SIGINT`).
  if (labIsPodman() && typeof config.StopSignal === 'string' && /^\d+$/.test(config.StopSignal)) {
    config.StopSignal = signalNames.get(Number(config.StopSignal)) ?? config.StopSignal;
  }
  const hostConfig = { ...(info.HostConfig as unknown as Json) };
  hostConfig.Mounts = withoutCarriedVolumes(info, old);
  const userMac = userMacOf(old);
  const oldNetworks = (old.NetworkSettings.Networks ?? {}) as Record<string, Json>;
  const networks: Json = {};
  for (const [name, endpoint] of Object.entries(
    (info.NetworkSettings.Networks ?? {}) as Record<string, Json>,
  )) {
    const aliases = (endpoint.Aliases as string[] | null) ?? [];
    networks[name] = {
      // The engine adds the container's short id as an alias (API < 1.45): the new one's own id.
      Aliases: aliases.map((alias) => (alias === shortId(info) ? OWN_ID : alias)).sort(),
      IPAMConfig: endpoint.IPAMConfig,
      Links: endpoint.Links,
      DriverOpts: endpoint.DriverOpts,
      // Only a MAC the user chose is a setting; one the engine generated differs on every create.
      ...(userMac !== '' && oldNetworks[name]?.MacAddress === userMac
        ? { MacAddress: endpoint.MacAddress }
        : {}),
    };
  }
  return { Config: config, HostConfig: hostConfig, Networks: networks };
}

/** The MAC the user chose, as Config.MacAddress reports it below API 1.52 (dockerode's type omits it). */
export function userMacOf(info: Inspect): string {
  const mac = (info.Config as unknown as Json).MacAddress;
  return typeof mac === 'string' ? mac : '';
}

function shortId(info: Inspect): string {
  return info.Id.slice(0, 12);
}

/**
 * HostConfig.Mounts without the anonymous volumes Tidewatch carries by name: the old container's
 * anonymous volume `N` at `/path` becomes a mount `{volume, N, /path}` (or names the source of a
 * `--mount type=volume` that had none). That is the expected difference; everything else stays.
 */
function withoutCarriedVolumes(info: Inspect, old: Inspect): unknown {
  const oldMounts = (old.HostConfig.Mounts ?? []) as unknown as Json[];
  const bound = new Set((old.HostConfig.Binds ?? []).map((bind) => bind.split(':')[1]));
  // Anonymous volumes: Config.Volumes paths (image VOLUME, `-v /path`) not bound or mounted, and
  // `--mount type=volume` without a source. Volumes from `--volumes-from` are not the container's own.
  const own = new Set(Object.keys(old.Config.Volumes ?? {}));
  for (const mount of oldMounts) if (mount.Type === 'volume' && !mount.Source) own.add(String(mount.Target));
  const anonymous = new Map<string, string>();
  for (const mount of old.Mounts) {
    const declared = oldMounts.find((m) => m.Target === mount.Destination);
    const isOwn = own.has(mount.Destination) && !bound.has(mount.Destination) && !declared?.Source;
    if (mount.Type === 'volume' && mount.Name && isOwn) anonymous.set(mount.Destination, mount.Name);
  }
  const result: Json[] = [];
  for (const mount of (info.HostConfig.Mounts ?? []) as unknown as Json[]) {
    const target = typeof mount.Target === 'string' ? mount.Target : '';
    const carried = info !== old && mount.Type === 'volume' && anonymous.get(target) === mount.Source;
    const declared = oldMounts.some((m) => m.Target === target);
    if (!carried) result.push(mount);
    else if (declared) result.push(Object.fromEntries(Object.entries(mount).filter(([k]) => k !== 'Source')));
  }
  return result.length === 0 && oldMounts.length === 0 ? null : result;
}

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function child(path: string, key: string): string {
  if (path === '') return key;
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

function diff(a: unknown, b: unknown, path: string, out: FieldDifference[]): void {
  // An absent field and a null one mean the same to the engine.
  if ((a ?? null) === null && (b ?? null) === null) return;
  if (isDeepStrictEqual(a, b)) return;
  if (isRecord(a) && isRecord(b)) {
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)]))
      diff(a[key], b[key], child(path, key), out);
    return;
  }
  out.push({ path, old: a, new: b });
}
