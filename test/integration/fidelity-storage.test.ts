import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type Docker from 'dockerode';
import { labDocker, labLabels, uniqueName } from '../lab/index.js';
import {
  createVolume,
  execText,
  runFidelityCase,
  startFidelityLab,
  startProvider,
  stopFidelityLab,
  type CaseContext,
  type FidelityCase,
  type FidelityLab,
} from '../support/fidelity-matrix.js';

// Recreate fidelity, part 3: binds, volumes (named and anonymous, with their data), tmpfs, --mount,
// the read-only root filesystem, /dev/shm and the log driver.
// Bind propagation uses `private`: this machine's / is a private mount, and the engine refuses
// shared or slave propagation from a private source. Any non-default value proves the round trip.

/** A folder with one file in it, for bind mounts; removed with the lab. */
function bindSource(ctx: CaseContext, label: string): string {
  const dir = join(ctx.lab.scratch, `${ctx.name}-${label}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'hello.txt'), `${label}\n`);
  return dir;
}

/** Data written into a volume before the update must be readable after it, from the same volume. */
function keepsData(path: string): Pick<FidelityCase, 'prepare' | 'verify'> {
  const marker = `written-before-update-${uniqueName('m')}`;
  return {
    prepare: async (_ctx, container: Docker.Container) => {
      await execText(container, `echo ${marker} > ${path}/marker`);
    },
    verify: async (ctx, old, now) => {
      expect(await execText(labDocker().getContainer(ctx.name), `cat ${path}/marker`)).toBe(marker);
      const volumeAt = (info: Docker.ContainerInspectInfo): string | undefined =>
        info.Mounts.find((mount) => mount.Destination === path)?.Name;
      expect(volumeAt(now)).toBe(volumeAt(old));
    },
  };
}

const MiB = 1024 * 1024;

const CASES: FidelityCase[] = [
  {
    name: 'bind mounts rw ro and propagation',
    create: (ctx) => ({
      HostConfig: {
        Binds: [
          `${bindSource(ctx, 'rw')}:/rw`,
          `${bindSource(ctx, 'ro')}:/ro:ro`,
          `${bindSource(ctx, 'prop')}:/prop:ro,private`,
        ],
      },
    }),
    verify: async (ctx) => {
      expect(await execText(labDocker().getContainer(ctx.name), 'cat /rw/hello.txt /ro/hello.txt')).toBe(
        'rw\nro',
      );
    },
  },
  {
    name: 'named volume',
    create: async (ctx) => ({
      HostConfig: {
        Binds: [`${await createVolume(ctx.lab)}:/named`, `${await createVolume(ctx.lab)}:/named-ro:ro`],
        VolumeDriver: 'local',
      },
    }),
    ...keepsData('/named'),
  },
  {
    name: 'anonymous volume from the image',
    image: { volumes: ['/data'] },
    create: () => ({}),
    ...keepsData('/data'),
  },
  { name: 'anonymous volume from -v', create: () => ({ Volumes: { '/cache': {} } }), ...keepsData('/cache') },
  {
    name: 'mount anonymous volume',
    create: () => ({ HostConfig: { Mounts: [{ Type: 'volume', Target: '/anon', Source: '' }] } }),
    ...keepsData('/anon'),
  },
  {
    // --rm: stopping the old container removes it, and with it its anonymous volumes unless the
    // new container already holds them.
    name: 'auto remove with an anonymous volume',
    create: () => ({ Volumes: { '/cache': {} }, HostConfig: { AutoRemove: true } }),
    ...keepsData('/cache'),
  },
  {
    name: 'tmpfs',
    create: () => ({ HostConfig: { Tmpfs: { '/scratch': 'rw,noexec,nosuid,size=1m', '/run/app': '' } } }),
  },
  {
    name: 'mount bind with options',
    create: (ctx) => ({
      HostConfig: {
        Mounts: [
          {
            Type: 'bind',
            Source: bindSource(ctx, 'mount'),
            Target: '/mb',
            ReadOnly: true,
            BindOptions: { Propagation: 'private' },
          },
        ],
      },
    }),
  },
  {
    name: 'mount volume with options and nocopy',
    create: (ctx) => ({
      HostConfig: {
        Mounts: [
          {
            Type: 'volume',
            Source: uniqueName(`${ctx.name}-vol`),
            Target: '/mv',
            VolumeOptions: {
              NoCopy: true,
              Labels: labLabels(),
              DriverConfig: { Name: 'local', Options: { type: 'tmpfs', device: 'tmpfs', o: 'size=1m' } },
            },
          },
        ],
      },
    }),
  },
  {
    name: 'mount tmpfs with size and mode',
    create: () => ({
      HostConfig: {
        Mounts: [
          {
            Type: 'tmpfs',
            Source: '',
            Target: '/mt',
            TmpfsOptions: { SizeBytes: 1024 * 1024, Mode: 0o1770 },
          },
        ],
      },
    }),
  },
  {
    name: 'volumes from another container',
    create: async (ctx) => {
      const provider = await startProvider(ctx, { Volumes: { '/shared': {} } });
      return { HostConfig: { VolumesFrom: [`${provider.Name.replace(/^\//, '')}:ro`] } };
    },
    verify: (_ctx, old, now) => {
      const shared = (info: Docker.ContainerInspectInfo): unknown =>
        info.Mounts.find((m) => m.Destination === '/shared');
      expect(shared(now)).toMatchObject({ Name: (shared(old) as { Name: string }).Name, RW: false });
    },
  },
  { name: 'read-only rootfs', create: () => ({ HostConfig: { ReadonlyRootfs: true } }) },
  { name: 'shm size', create: () => ({ HostConfig: { ShmSize: 128 * MiB } }) },
  {
    name: 'log driver json-file with options',
    create: () => ({
      HostConfig: {
        LogConfig: { Type: 'json-file', Config: { 'max-size': '1m', 'max-file': '2', compress: 'true' } },
      },
    }),
  },
  {
    name: 'log driver local',
    create: () => ({ HostConfig: { LogConfig: { Type: 'local', Config: { 'max-size': '2m' } } } }),
    // Podman has no `local` log driver (journald, k8s-file, json-file, none, passthrough).
    podmanRefuses: /invalid log driver/,
  },
];

describe.concurrent('recreate fidelity: storage, read-only rootfs, shm and logging', () => {
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
