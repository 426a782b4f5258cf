import type { HostConfig } from '../domain/index.js';

/**
 * HostConfig as inspect reported it, rewritten where an engine reports a setting in a form its own
 * create refuses or reads differently. Podman's Docker-compatible API does this (docs/podman.md);
 * each rule is a no-op on Docker, which never reports these forms. Pure; returns a copy.
 *
 * - `NanoCpus` (`--cpus`) comes back with the `CpuPeriod`/`CpuQuota` pair Podman derived from it;
 *   a create that sets both is refused ("Nano CPUs and CPU Period cannot both be set"), so the
 *   derived pair is dropped when `NanoCpus` is set.
 * - Ulimit names come back as `RLIMIT_NOFILE`; create wants `nofile`.
 * - A device's `CgroupPermissions` comes back as `''`; the meaning is the default, `rwm`.
 */
export function normalizeInspectedHostConfig(hostConfig: HostConfig): HostConfig {
  const result: HostConfig = { ...hostConfig };
  if (typeof result.NanoCpus === 'number' && result.NanoCpus > 0) {
    delete result.CpuPeriod;
    delete result.CpuQuota;
  }
  if (Array.isArray(result.Ulimits)) {
    result.Ulimits = (result.Ulimits as Record<string, unknown>[]).map((limit) =>
      typeof limit.Name === 'string' && limit.Name.startsWith('RLIMIT_')
        ? { ...limit, Name: limit.Name.slice('RLIMIT_'.length).toLowerCase() }
        : limit,
    );
  }
  if (Array.isArray(result.Devices)) {
    result.Devices = (result.Devices as Record<string, unknown>[]).map((device) =>
      device.CgroupPermissions === '' ? { ...device, CgroupPermissions: 'rwm' } : device,
    );
  }
  return result;
}
