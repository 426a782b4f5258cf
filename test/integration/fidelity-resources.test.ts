import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, it } from 'vitest';
import {
  runFidelityCase,
  startFidelityLab,
  stopFidelityLab,
  type FidelityCase,
  type FidelityLab,
} from '../support/fidelity-matrix.js';

// Recreate fidelity, part 2: HostConfig resources, security, devices, runtime, init and restart.

const MiB = 1024 * 1024;

/** A real disk of this machine (block io limits need one): the first in /sys/block that is not virtual. */
function blockDevice(): string {
  const disk = readdirSync('/sys/block').find((name) => !/^(loop|ram|zram|dm-|md|sr)/.test(name));
  if (!disk) throw new Error('no block device in /sys/block for the block io limits case');
  return `/dev/${disk}`;
}

const CASES: FidelityCase[] = [
  {
    name: 'memory limits',
    create: () => ({
      HostConfig: {
        Memory: 64 * MiB,
        MemoryReservation: 32 * MiB,
        MemorySwap: 128 * MiB,
        MemorySwappiness: 10,
        OomKillDisable: true,
      },
    }),
  },
  { name: 'cpus', create: () => ({ HostConfig: { NanoCpus: 500_000_000 } }) },
  { name: 'cpu period and quota', create: () => ({ HostConfig: { CpuPeriod: 100_000, CpuQuota: 50_000 } }) },
  {
    name: 'cpu shares and cpuset',
    create: () => ({ HostConfig: { CpuShares: 512, CpusetCpus: '0', CpusetMems: '0' } }),
  },
  { name: 'pids limit', create: () => ({ HostConfig: { PidsLimit: 64 } }) },
  {
    name: 'ulimits',
    create: () => ({
      HostConfig: {
        Ulimits: [
          { Name: 'nofile', Soft: 1024, Hard: 2048 },
          { Name: 'nproc', Soft: 512, Hard: 1024 },
        ],
      },
    }),
  },
  {
    name: 'cap add and drop',
    create: () => ({ HostConfig: { CapAdd: ['NET_ADMIN', 'SYS_TIME'], CapDrop: ['MKNOD', 'CHOWN'] } }),
  },
  {
    // This engine cannot start a privileged container (its own capability bounding set lacks
    // CAP_SYS_RESOURCE): the setting is checked on a created container, updated with --include-stopped.
    name: 'privileged',
    stopped: true,
    create: () => ({ HostConfig: { Privileged: true } }),
  },
  {
    name: 'security opt',
    create: () => ({ HostConfig: { SecurityOpt: ['no-new-privileges:true', 'seccomp=unconfined'] } }),
  },
  {
    name: 'devices',
    create: () => ({
      HostConfig: {
        Devices: [{ PathOnHost: '/dev/zero', PathInContainer: '/dev/tw-zero', CgroupPermissions: 'rwm' }],
        DeviceCgroupRules: ['c 1:3 r'],
      },
    }),
  },
  {
    name: 'sysctls',
    create: () => ({
      HostConfig: { Sysctls: { 'net.core.somaxconn': '1024', 'kernel.shm_rmid_forced': '1' } },
    }),
  },
  { name: 'group add', create: () => ({ HostConfig: { GroupAdd: ['nogroup', '4242'] } }) },
  { name: 'oom score adj', create: () => ({ HostConfig: { OomScoreAdj: 500 } }) },
  {
    name: 'block io limits',
    create: () => ({
      HostConfig: {
        BlkioDeviceReadBps: [{ Path: blockDevice(), Rate: 10 * MiB }],
        BlkioDeviceWriteIOps: [{ Path: blockDevice(), Rate: 1000 }],
      },
    }),
  },
  {
    // `--gpus all`: there is no GPU here, so the container is created but not started.
    name: 'gpu device requests',
    stopped: true,
    create: () => ({ HostConfig: { DeviceRequests: [{ Count: -1, Capabilities: [['gpu']] }] } }),
  },
  { name: 'runtime runc', create: () => ({ HostConfig: { Runtime: 'runc' } }) },
  {
    name: 'runtime containerd runc v2',
    create: () => ({ HostConfig: { Runtime: 'io.containerd.runc.v2' } }),
  },
  { name: 'init', create: () => ({ HostConfig: { Init: true } }) },
  {
    name: 'restart policy with max retries',
    create: () => ({ HostConfig: { RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 3 } } }),
  },
  {
    name: 'restart unless-stopped',
    create: () => ({ HostConfig: { RestartPolicy: { Name: 'unless-stopped' } } }),
  },
];

describe.concurrent('recreate fidelity: resources, security, devices, runtime, init and restart', () => {
  let lab: FidelityLab | undefined;
  beforeAll(async () => {
    lab = await startFidelityLab();
  });
  afterAll(() => stopFidelityLab(lab));

  it.each(CASES)('$name', async (row) => {
    if (!lab) throw new Error('the lab did not start');
    await runFidelityCase(lab, row);
  });
});
