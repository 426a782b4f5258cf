import { readlink } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type Docker from 'dockerode';
import { freePort, labDocker } from '../lab/index.js';
import { labIsPodman } from '../lab/lab-engine.js';
import {
  createNetwork,
  execText,
  randomMac,
  runFidelityCase,
  startFidelityLab,
  startProvider,
  stopFidelityLab,
  type FidelityCase,
  type FidelityLab,
} from '../support/fidelity-matrix.js';
import { userMacOf } from '../support/fidelity.js';

// Recreate fidelity, part 4: ports, network modes, user networks with aliases, static addresses,
// MAC addresses, links, DNS and hosts; the IPC, PID, UTS and cgroup namespaces.

type Inspect = Docker.ContainerInspectInfo;

function endpoint(info: Inspect, network: string): Docker.NetworkInfo | undefined {
  return info.NetworkSettings.Networks[network];
}

/** The MAC addresses the two MAC cases set (locally administered, random per run). */
const MACS = { bridge: randomMac(), user: randomMac() };

/**
 * The container's one network, under whatever name the engine gives the default one (`bridge`,
 * Podman's `podman`), has the MAC the user set, before and after. Read from the endpoint: Podman
 * reports no Config.MacAddress (Docker's userMacOf reads that).
 */
function expectMacKept(old: Inspect, now: Inspect, mac: string): void {
  const [name = '', before] = Object.entries(old.NetworkSettings.Networks)[0] ?? [];
  expect(before?.MacAddress).toBe(mac);
  if (!labIsPodman()) expect(userMacOf(old)).toBe(mac);
  expect(endpoint(now, name)?.MacAddress).toBe(mac);
}

/**
 * A MAC set as each engine reads it at the lab's API version: Docker below API 1.44 from the
 * config (`docker run --mac-address`), Podman only from the network's endpoint.
 */
function withMac(mac: string, network: string): Partial<Docker.ContainerCreateOptions> {
  return labIsPodman()
    ? { NetworkingConfig: { EndpointsConfig: { [network]: { MacAddress: mac } } } }
    : { MacAddress: mac };
}

function nameOf(info: Inspect): string {
  return info.Name.replace(/^\//, '');
}

const CASES: FidelityCase[] = [
  {
    name: 'published ports',
    create: async () => ({
      ExposedPorts: { '8080/tcp': {}, '5353/udp': {}, '9090/tcp': {} },
      HostConfig: {
        PortBindings: {
          '8080/tcp': [{ HostIp: '127.0.0.1', HostPort: String(await freePort()) }],
          '5353/udp': [{ HostIp: '127.0.0.1', HostPort: '' }],
          '9090/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }],
        },
      },
    }),
  },
  {
    name: 'publish all',
    image: { exposedPorts: ['7000'] },
    create: () => ({ ExposedPorts: { '9000/tcp': {} }, HostConfig: { PublishAllPorts: true } }),
  },
  { name: 'network host', create: () => ({ HostConfig: { NetworkMode: 'host' } }) },
  { name: 'network none', create: () => ({ HostConfig: { NetworkMode: 'none' } }) },
  { name: 'network bridge', create: () => ({ HostConfig: { NetworkMode: 'bridge' } }) },
  {
    name: 'user network given by id',
    create: async (ctx) => {
      const { name } = await createNetwork(ctx.lab);
      const { Id } = await labDocker().getNetwork(name).inspect();
      return { HostConfig: { NetworkMode: String(Id) } };
    },
  },
  {
    name: 'two user networks with aliases',
    create: async (ctx) => {
      const { name } = await createNetwork(ctx.lab);
      return {
        Hostname: 'fid-app',
        HostConfig: { NetworkMode: name },
        NetworkingConfig: { EndpointsConfig: { [name]: { Aliases: ['front-a', 'front-b'] } } },
      };
    },
    prepare: async (ctx, container) => {
      const { name } = await createNetwork(ctx.lab);
      await labDocker()
        .getNetwork(name)
        .connect({ Container: container.id, EndpointConfig: { Aliases: ['back-a'] } });
    },
    verify: (_ctx, old, now) => {
      expect(Object.keys(now.NetworkSettings.Networks).sort()).toEqual(
        Object.keys(old.NetworkSettings.Networks).sort(),
      );
    },
  },
  {
    name: 'static ipv4 addresses',
    create: async (ctx) => {
      const network = await createNetwork(ctx.lab, { subnet: true });
      return {
        HostConfig: { NetworkMode: network.name },
        NetworkingConfig: {
          EndpointsConfig: { [network.name]: { IPAMConfig: { IPv4Address: network.ip(10) } } },
        },
      };
    },
    prepare: async (ctx, container) => {
      const network = await createNetwork(ctx.lab, { subnet: true });
      await labDocker()
        .getNetwork(network.name)
        .connect({
          Container: container.id,
          EndpointConfig: { IPAMConfig: { IPv4Address: network.ip(20), LinkLocalIPs: ['169.254.77.7'] } },
        });
    },
    verify: (_ctx, old, now) => {
      for (const [name, before] of Object.entries(old.NetworkSettings.Networks)) {
        expect(endpoint(now, name)?.IPAddress).toBe(before.IPAddress);
      }
    },
  },
  {
    name: 'static ipv6 address',
    create: async (ctx) => {
      const network = await createNetwork(ctx.lab, { ipv6: true });
      const address = { IPv4Address: network.ip(30), IPv6Address: network.ip6(0x30) };
      return {
        HostConfig: { NetworkMode: network.name },
        NetworkingConfig: { EndpointsConfig: { [network.name]: { IPAMConfig: address } } },
      };
    },
    verify: (_ctx, old, now) => {
      const [name = '', before] = Object.entries(old.NetworkSettings.Networks)[0] ?? [];
      expect(endpoint(now, name)?.GlobalIPv6Address).toBe(before?.GlobalIPv6Address);
    },
  },
  {
    name: 'mac address on the default bridge',
    create: () => withMac(MACS.bridge, labIsPodman() ? 'podman' : 'bridge'),
    verify: (_ctx, old, now) => expectMacKept(old, now, MACS.bridge),
  },
  {
    name: 'mac address on a user network',
    create: async (ctx) => {
      const { name } = await createNetwork(ctx.lab);
      return { ...withMac(MACS.user, name), HostConfig: { NetworkMode: name } };
    },
    verify: (_ctx, old, now) => expectMacKept(old, now, MACS.user),
  },
  {
    name: 'legacy links',
    create: async (ctx) => {
      const db = await startProvider(ctx);
      return { HostConfig: { Links: [`${nameOf(db)}:database`] } };
    },
    // Podman has no legacy links (a user network's aliases do their job there).
    podmanRefuses: /link is not supported/,
    verify: async (ctx) => {
      expect(await execText(labDocker().getContainer(ctx.name), 'cat /etc/hosts')).toMatch(/\bdatabase\b/);
    },
  },
  {
    name: 'links on a user network',
    create: async (ctx) => {
      const { name } = await createNetwork(ctx.lab);
      const db = await startProvider(ctx, { HostConfig: { NetworkMode: name } });
      return {
        HostConfig: { NetworkMode: name },
        NetworkingConfig: { EndpointsConfig: { [name]: { Links: [`${nameOf(db)}:database`] } } },
      };
    },
  },
  {
    name: 'network of another container',
    create: async (ctx) => {
      const provider = await startProvider(ctx, { Hostname: 'fid-provider' });
      return { HostConfig: { NetworkMode: `container:${provider.Id}` } };
    },
    verify: async (ctx, old, now) => {
      // Still the same provider (it was not updated), and really in its network namespace.
      expect(now.HostConfig.NetworkMode).toBe(old.HostConfig.NetworkMode);
      const provider = await labDocker()
        .getContainer(String(now.HostConfig.NetworkMode).replace(/^container:/, ''))
        .inspect();
      expect(await readlink(`/proc/${now.State.Pid}/ns/net`)).toBe(
        await readlink(`/proc/${provider.State.Pid}/ns/net`),
      );
      // Docker shares the provider's hostname too; Podman joins the network namespace only.
      const hostname = labIsPodman() ? now.Id.slice(0, 12) : 'fid-provider';
      expect(await execText(labDocker().getContainer(ctx.name), 'hostname')).toBe(hostname);
    },
  },
  {
    name: 'dns servers search and options',
    create: () => ({
      HostConfig: {
        Dns: ['10.255.0.53'],
        DnsSearch: ['example.internal'],
        DnsOptions: ['ndots:2', 'timeout:1'],
      },
    }),
  },
  {
    name: 'extra hosts',
    create: () => ({ HostConfig: { ExtraHosts: ['db.local:10.1.2.3', 'cache.local:10.1.2.4'] } }),
  },
  {
    name: 'ipc shareable and pid host',
    create: () => ({ HostConfig: { IpcMode: 'shareable', PidMode: 'host' } }),
  },
  { name: 'uts host', create: () => ({ HostConfig: { UTSMode: 'host' } }) },
  {
    name: 'cgroupns private',
    create: () => ({ HostConfig: { CgroupnsMode: 'private' } as Docker.HostConfig }),
  },
  {
    name: 'ipc and pid of another container',
    create: async (ctx) => {
      const provider = await startProvider(ctx, { HostConfig: { IpcMode: 'shareable' } });
      const target = `container:${provider.Name.replace(/^\//, '')}`;
      return { HostConfig: { IpcMode: target, PidMode: target } };
    },
    verify: async (ctx, _old, now) => {
      // The new container really shares the provider's namespaces, not just the setting's text.
      const provider = labDocker().getContainer(now.HostConfig.PidMode?.slice('container:'.length) ?? '');
      const namespaces = 'ls -l /proc/self/ns/pid /proc/self/ns/ipc | sed "s/.*-> //"';
      const mine = await execText(labDocker().getContainer(ctx.name), namespaces);
      expect(mine).toBe(await execText(provider, namespaces));
    },
  },
];

describe.concurrent('recreate fidelity: ports, networks and namespaces', () => {
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
