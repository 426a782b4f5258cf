import { describe, expect, it } from 'vitest';
import { normalizeInspectedHostConfig } from '../../src/updater/engine-compat.js';

describe('normalizeInspectedHostConfig (Podman forms, docs/podman.md)', () => {
  it('drops the CpuPeriod/CpuQuota pair derived from NanoCpus', () => {
    expect(
      normalizeInspectedHostConfig({ NanoCpus: 1_500_000_000, CpuPeriod: 100_000, CpuQuota: 150_000 }),
    ).toEqual({ NanoCpus: 1_500_000_000 });
  });

  it('keeps a CpuPeriod/CpuQuota the user set without NanoCpus', () => {
    const hostConfig = { NanoCpus: 0, CpuPeriod: 50_000, CpuQuota: 25_000 };
    expect(normalizeInspectedHostConfig(hostConfig)).toEqual(hostConfig);
  });

  it('names ulimits the way create reads them', () => {
    expect(
      normalizeInspectedHostConfig({
        Ulimits: [
          { Name: 'RLIMIT_NOFILE', Soft: 1024, Hard: 2048 },
          { Name: 'nproc', Soft: 10, Hard: 20 },
        ],
      }).Ulimits,
    ).toEqual([
      { Name: 'nofile', Soft: 1024, Hard: 2048 },
      { Name: 'nproc', Soft: 10, Hard: 20 },
    ]);
  });

  it("reads a device's empty cgroup permissions as the default rwm", () => {
    expect(
      normalizeInspectedHostConfig({
        Devices: [
          { PathOnHost: '/dev/null', PathInContainer: '/dev/x', CgroupPermissions: '' },
          { PathOnHost: '/dev/zero', PathInContainer: '/dev/y', CgroupPermissions: 'r' },
        ],
      }).Devices,
    ).toEqual([
      { PathOnHost: '/dev/null', PathInContainer: '/dev/x', CgroupPermissions: 'rwm' },
      { PathOnHost: '/dev/zero', PathInContainer: '/dev/y', CgroupPermissions: 'r' },
    ]);
  });

  it('leaves a Docker HostConfig as it was and does not change its input', () => {
    const hostConfig = { NetworkMode: 'default', Binds: ['/a:/b:ro'], NanoCpus: 0, CpuPeriod: 0 };
    const copy = structuredClone(hostConfig);
    expect(normalizeInspectedHostConfig(hostConfig)).toEqual(copy);
    expect(hostConfig).toEqual(copy);
  });
});
