import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCycle } from '../../src/updater/index.js';
import { buildAndPush, labDocker, labLabels, runContainer, uniqueName } from '../lab/index.js';
import { useLab } from '../support/lab.js';
import { eventually, publishUpdate } from '../support/images.js';
import { tempStore, tidewatchDeps } from '../support/tidewatch.js';

/** A tiny web service whose page says which image version it runs. */
const SERVE = [
  'sh',
  '-c',
  'mkdir -p /www && echo "v$VERSION" > /www/index.html && exec httpd -f -p 8080 -h /www',
];

describe('start-first: zero-downtime updates', () => {
  const docker = labDocker();
  const lab = useLab();
  let store: ReturnType<typeof tempStore>;
  const network = uniqueName('sf-net');

  beforeAll(async () => {
    store = tempStore();
    await docker.createNetwork({ Name: network, Labels: labLabels() });
  });
  afterAll(() => {
    store?.close();
  });

  it('a client requesting the service alias and name in a loop sees no failed request (retrying once on a connection error)', async () => {
    const image = `${lab.registry.host}/${uniqueName('web')}:latest`;
    await buildAndPush(image, { cmd: SERVE, env: ['VERSION=1'] });
    const name = uniqueName('web');
    const { id } = await runContainer(name, image, {
      Labels: { 'tidewatch.strategy': 'start-first', 'tidewatch.drain': '1s' },
      HostConfig: { NetworkMode: network },
      NetworkingConfig: { EndpointsConfig: { [network]: { Aliases: ['svc'] } } },
    });
    // The client alternates between the alias and the container name, one request at a time,
    // resolving each through Docker's DNS first (busybox's nslookup and nc: the static busybox's
    // wget crashes in glibc's resolver). A request that resolved the old container's address in
    // the instant before it left the network cannot connect: no updater can prevent that with
    // DNS-based discovery, so the client does what HTTP clients do on a connection error, resolve
    // again and retry once, and says RETRIED when that was needed. FAIL means both attempts failed.
    const resolve = String.raw`nslookup $host 2>/dev/null | sed -n 's/^Address: \([0-9.]*\)$/\1/p' | head -1`;
    const request = String.raw`printf 'GET / HTTP/1.0\r\n\r\n' | nc -w 2 $ip 8080 2>/dev/null | tail -1`;
    const attempt = `ip=$(${resolve}); body=$(${request})`;
    const loop =
      `while true; do for host in svc ${name}; do ${attempt}; ` +
      `case "$body" in v*) echo "$body" ;; *) ${attempt}; ` +
      `case "$body" in v*) echo "RETRIED $host" ;; *) echo "FAIL $host" ;; esac ;; esac; ` +
      `done; sleep 0.05; done`;
    const client = await runContainer(uniqueName('client'), image, {
      Cmd: ['sh', '-c', loop],
      HostConfig: { NetworkMode: network },
    });
    const logs = async (): Promise<string> => (await client.logs({ stdout: true, stderr: true })).toString();
    await eventually(logs, (text) => (text.match(/v1/g) ?? []).length >= 4);
    await publishUpdate(image, { cmd: SERVE, env: ['VERSION=2'] });

    const deps = { ...(await tidewatchDeps({ stopTimeout: '1s' })), store: store.store };
    const report = await runCycle(deps, {
      names: [name],
      update: true,
      signal: new AbortController().signal,
      trigger: 'cli',
    });
    expect(report.entries.find((entry) => entry.name === name)).toMatchObject({ action: 'updated' });

    // The new version answers under both names, and not one request failed on the way.
    // Up to 180 s: on a loaded two-core machine the client's nslookup and nc can take seconds each
    // (two CI runs under a full suite saw 0 and 1 answers from v2 within 90 s; alone it takes 2 s).
    const after = await eventually(logs, (text) => (text.match(/v2/g) ?? []).length >= 4, 180_000);
    // On failure, what the client saw last and what the engine says of the new container.
    const seen = async (): Promise<string> => {
      const state = await docker
        .getContainer(name)
        .inspect()
        .then(
          (info) =>
            `${info.State.Status} ${info.NetworkSettings.Networks[network]?.IPAddress ?? 'no address'}`,
          (error: unknown) => String(error),
        );
      return `container ${name}: ${state}; the client's last lines:\n${after.trim().split('\n').slice(-30).join('\n')}`;
    };
    expect(after.match(/v1/g)?.length ?? 0, await seen()).toBeGreaterThan(4);
    expect(after.match(/v2/g)?.length ?? 0, await seen()).toBeGreaterThanOrEqual(4);
    expect(after, await seen()).not.toContain('FAIL');

    const now = await docker.getContainer(name).inspect();
    expect(now.Id).not.toBe(id);
    expect(now.State.Running).toBe(true);
    expect(now.NetworkSettings.Networks[network]?.Aliases).toContain('svc');
    const leftovers = (await docker.listContainers({ all: true }))
      .flatMap((row) => row.Names)
      .filter((n) => n.includes(name));
    expect(leftovers).toEqual([`/${name}`]);
    const [record] = store.store.history.list({ container: name, limit: 1 }).items;
    expect(record).toMatchObject({ strategy: 'start-first', state: 'committed' });
  }, 300_000);

  it('a new version that fails verification is removed; the original never stopped', async () => {
    const image = `${lab.registry.host}/${uniqueName('web')}:latest`;
    await buildAndPush(image, { cmd: SERVE, env: ['VERSION=1'] });
    const name = uniqueName('web');
    const { id } = await runContainer(name, image, {
      Labels: { 'tidewatch.strategy': 'start-first' },
      HostConfig: { NetworkMode: network },
    });
    const startedAt = (await docker.getContainer(id).inspect()).State.StartedAt;
    await publishUpdate(image, { cmd: ['sh', '-c', 'exit 4'] });

    const deps = { ...(await tidewatchDeps({ stopTimeout: '1s' })), store: store.store };
    const report = await runCycle(deps, {
      names: [name],
      update: true,
      signal: new AbortController().signal,
      trigger: 'cli',
    });
    const entry = report.entries.find((candidate) => candidate.name === name);
    expect(entry?.action).toBe('rolled-back');
    expect(entry?.reason).toContain('exited with code 4');
    const now = await docker.getContainer(name).inspect();
    expect(now.Id).toBe(id);
    expect(now.State.StartedAt).toBe(startedAt); // never stopped
    const leftovers = (await docker.listContainers({ all: true }))
      .flatMap((row) => row.Names)
      .filter((n) => n.includes(name));
    expect(leftovers).toEqual([`/${name}`]);
  });

  it('auto picks start-first only where two copies can run; explicit start-first refuses a fixed host port', async () => {
    const image = `${lab.registry.host}/${uniqueName('web')}:latest`;
    await buildAndPush(image, { cmd: SERVE, env: ['VERSION=1'] });
    const [port, otherPort] = await freePorts(2);
    const fixed = (strategy: string, hostPort = port) => ({
      Labels: { 'tidewatch.strategy': strategy },
      ExposedPorts: { '8080/tcp': {} },
      HostConfig: {
        NetworkMode: network,
        PortBindings: { '8080/tcp': [{ HostIp: '127.0.0.1', HostPort: String(hostPort) }] },
      },
    });
    const refused = uniqueName('web');
    const { id: refusedId } = await runContainer(refused, image, fixed('start-first'));
    const autoFixed = uniqueName('web');
    await runContainer(autoFixed, image, fixed('auto', otherPort));
    const autoFree = uniqueName('web');
    await runContainer(autoFree, image, {
      Labels: { 'tidewatch.strategy': 'auto' },
      HostConfig: { NetworkMode: network },
    });
    await publishUpdate(image, { cmd: SERVE, env: ['VERSION=2'] });

    const deps = {
      ...(await tidewatchDeps({ stopTimeout: '1s', includeStopped: true })),
      store: store.store,
    };
    const report = await runCycle(deps, {
      names: [refused, autoFixed, autoFree],
      update: true,
      signal: new AbortController().signal,
      trigger: 'cli',
    });
    const byName = Object.fromEntries(report.entries.map((entry) => [entry.name, entry]));
    expect(byName[refused]).toMatchObject({ action: 'failed' });
    expect(byName[refused]?.reason).toBe(
      `start-first cannot update ${refused}: it publishes 8080/tcp on fixed host port ${port}; use stop-first or auto`,
    );
    expect((await docker.getContainer(refused).inspect()).Id).toBe(refusedId);
    expect(byName[autoFixed]?.action).toBe('updated');
    expect(byName[autoFree]?.action).toBe('updated');
    const strategy = (name: string) =>
      store.store.history.list({ container: name, limit: 1 }).items[0]?.strategy;
    expect(strategy(autoFixed)).toBe('stop-first');
    expect(strategy(autoFree)).toBe('start-first');
    expect(store.store.history.list({ container: refused, limit: 1 }).items).toEqual([]);
  });
});

/** `count` distinct free loopback ports: all held open at once, so none is handed out twice. */
async function freePorts(count: number): Promise<number[]> {
  const { createServer } = await import('node:net');
  const servers = await Promise.all(
    Array.from({ length: count }, () => {
      const server = createServer();
      return new Promise<typeof server>((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
    }),
  );
  const ports = servers.map((server) => {
    const address = server.address();
    return typeof address === 'object' && address ? address.port : 0;
  });
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}
