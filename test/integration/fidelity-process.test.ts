import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type Docker from 'dockerode';
import {
  SLEEPER,
  runFidelityCase,
  startFidelityLab,
  stopFidelityLab,
  type FidelityCase,
  type FidelityLab,
} from '../support/fidelity-matrix.js';
import { compareContainers } from '../support/fidelity.js';

// Recreate fidelity, part 1: what the process runs with (Config), and the image defaults that must
// follow the new image while the user's own values stay.

const SECOND = 1_000_000_000; // the engine counts nanoseconds
const userCommand = (tag: string): string[] => ['sh', '-c', `echo ${tag}; ${SLEEPER[2]}`];

const CASES: FidelityCase[] = [
  { name: 'env', create: () => ({ Env: ['APP_MODE=prod', 'GREETING=hello world', 'EMPTY='] }) },
  { name: 'cmd', create: () => ({ Cmd: userCommand('user-cmd') }) },
  { name: 'entrypoint', create: () => ({ Entrypoint: ['sh', '-c'], Cmd: [SLEEPER[2] ?? ''] }) },
  { name: 'working dir', create: () => ({ WorkingDir: '/tmp' }) },
  { name: 'user', create: () => ({ User: 'nobody' }) },
  { name: 'user with group', create: () => ({ User: '65534:65534' }) },
  { name: 'labels', create: () => ({ Labels: { 'com.example.team': 'ops', tier: 'web' } }) },
  { name: 'explicit hostname', create: () => ({ Hostname: 'fid-app' }) },
  { name: 'domainname', create: () => ({ Hostname: 'fid-app', Domainname: 'example.test' }) },
  {
    name: 'default hostname',
    create: () => ({}),
    verify: (_ctx, old, now) => {
      // The comparer already maps each side's own id; say it plainly too.
      expect(now.Config.Hostname).toBe(now.Id.slice(0, 12));
      expect(now.Config.Hostname).not.toBe(old.Id.slice(0, 12));
    },
  },
  { name: 'stop signal', create: () => ({ StopSignal: 'SIGUSR1' }) },
  { name: 'stop timeout', create: () => ({ StopTimeout: 3 }) },
  {
    name: 'healthcheck override',
    image: { healthcheck: { test: ['CMD', 'true'], intervalMs: 30_000 } },
    create: () => ({
      Healthcheck: {
        Test: ['CMD-SHELL', 'test -d /tmp'],
        Interval: 5 * SECOND,
        Timeout: 2 * SECOND,
        Retries: 2,
        StartPeriod: SECOND,
      },
    }),
  },
  {
    name: 'healthcheck disabled',
    image: { healthcheck: { test: ['CMD', 'true'] } },
    create: () => ({ Healthcheck: { Test: ['NONE'] } }),
  },
  { name: 'tty and stdin', create: () => ({ Tty: true, OpenStdin: true }) },

  // The new image's defaults apply where the container only had the old image's; the user's stay.
  {
    name: 'image env refresh',
    image: { env: ['MODE=one', 'SHADOWED=image'] },
    update: { env: ['MODE=two', 'SHADOWED=image-two', 'ADDED=yes'] },
    create: () => ({ Env: ['SHADOWED=user'] }),
    changes: {
      'Config.Env': expect.arrayContaining(['MODE=two', 'ADDED=yes', 'SHADOWED=user']) as unknown,
    },
    verify: (_ctx, _old, now) => {
      expect(now.Config.Env).not.toContain('MODE=one');
      expect(now.Config.Env).not.toContain('SHADOWED=image-two');
    },
  },
  {
    name: 'image cmd refresh',
    image: { cmd: userCommand('image-one') },
    update: { cmd: userCommand('image-two') },
    create: () => ({}),
    changes: { 'Config.Cmd': userCommand('image-two') },
  },
  {
    name: 'user cmd over a new image cmd',
    image: { cmd: userCommand('image-one') },
    update: { cmd: userCommand('image-two') },
    create: () => ({ Cmd: userCommand('mine') }),
  },
  {
    name: 'image label refresh',
    image: { labels: { version: '1', owner: 'image' } },
    update: { labels: { version: '2', owner: 'image' } },
    create: () => ({ Labels: { owner: 'me' } }),
    changes: { 'Config.Labels.version': '2' },
  },
  {
    name: 'image workdir, stop signal and healthcheck refresh',
    image: { workdir: '/tmp', stopSignal: 'SIGHUP', healthcheck: { test: ['CMD', 'true'] } },
    update: { workdir: '/', stopSignal: 'SIGINT', healthcheck: { test: ['CMD', 'test', '-d', '/'] } },
    create: () => ({}),
    changes: {
      'Config.WorkingDir': '/',
      'Config.StopSignal': 'SIGINT',
      'Config.Healthcheck.Test': ['CMD', 'test', '-d', '/'],
    },
  },
];

describe.concurrent('recreate fidelity: process settings and image defaults', () => {
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

// The comparer itself, on hand-made inspect answers: it must see what an update gets wrong, and
// only that. (A comparer that never reports anything would make the matrix above pass vacuously.)
const OLD_ID = 'a'.repeat(64);
const NEW_ID = 'b'.repeat(64);

function inspect(
  id: string,
  parts: { config?: object; hostConfig?: object; networks?: object; mounts?: object[] },
): Docker.ContainerInspectInfo {
  return {
    Id: id,
    Config: { Hostname: id.slice(0, 12), Image: 'app:1', Env: ['A=1'], ...parts.config },
    HostConfig: { NetworkMode: 'default', ...parts.hostConfig },
    NetworkSettings: { Networks: parts.networks ?? {} },
    Mounts: parts.mounts ?? [],
  } as unknown as Docker.ContainerInspectInfo;
}

const endpointOf = (id: string, extra: object = {}): object => ({
  Aliases: ['web', id.slice(0, 12)],
  IPAMConfig: null,
  Links: null,
  DriverOpts: null,
  IPAddress: id === OLD_ID ? '10.0.0.2' : '10.0.0.3',
  EndpointID: id,
  MacAddress: id === OLD_ID ? '02:42:0a:00:00:02' : '02:42:0a:00:00:03',
  ...extra,
});

describe('the fidelity comparer', () => {
  it.each([
    {
      name: 'accepts each container its own default hostname, aliases, addresses and MAC',
      old: inspect(OLD_ID, { networks: { front: endpointOf(OLD_ID) } }),
      now: inspect(NEW_ID, { networks: { front: endpointOf(NEW_ID) } }),
      paths: [],
    },
    {
      name: "reports the old container's id carried as the new hostname and alias",
      old: inspect(OLD_ID, { networks: { front: endpointOf(OLD_ID) } }),
      now: inspect(NEW_ID, {
        config: { Hostname: OLD_ID.slice(0, 12) },
        networks: {
          front: endpointOf(NEW_ID, { Aliases: ['web', OLD_ID.slice(0, 12), NEW_ID.slice(0, 12)] }),
        },
      }),
      paths: ['Config.Hostname', 'Networks.front.Aliases'],
    },
    {
      name: 'compares a MAC address the user set',
      old: inspect(OLD_ID, {
        config: { MacAddress: '02:aa:00:00:00:01' },
        networks: { bridge: endpointOf(OLD_ID, { MacAddress: '02:aa:00:00:00:01' }) },
      }),
      now: inspect(NEW_ID, {
        config: { MacAddress: '02:aa:00:00:00:01' },
        networks: { bridge: endpointOf(NEW_ID) },
      }),
      paths: ['Networks.bridge.MacAddress'],
    },
    {
      name: 'accepts an anonymous volume carried by name, and reports a lost one',
      old: inspect(OLD_ID, {
        config: { Volumes: { '/data': {} } },
        mounts: [{ Type: 'volume', Name: 'v1', Destination: '/data' }],
      }),
      now: inspect(NEW_ID, {
        config: { Volumes: { '/data': {} } },
        hostConfig: {
          Mounts: [
            { Type: 'volume', Source: 'v1', Target: '/data' },
            { Type: 'volume', Source: 'v2', Target: '/other' },
          ],
        },
      }),
      paths: ['HostConfig.Mounts'],
    },
    {
      name: 'names the path of a changed setting',
      old: inspect(OLD_ID, {
        hostConfig: { PortBindings: { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '8080' }] } },
      }),
      now: inspect(NEW_ID, {
        hostConfig: { PortBindings: { '80/tcp': [{ HostIp: '', HostPort: '8080' }] } },
        config: { Env: ['A=2'] },
      }),
      paths: ['Config.Env', 'HostConfig.PortBindings["80/tcp"]'],
    },
  ])('$name', ({ old, now, paths }) => {
    expect(compareContainers(old, now).map((d) => d.path)).toEqual(paths);
  });
});
