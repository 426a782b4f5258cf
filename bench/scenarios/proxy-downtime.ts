import { runCycle } from '../../src/updater/index.js';
import { SERVE } from './downtime.js';
import {
  buildAndPush,
  labDocker,
  labLabels,
  runContainer,
  uniqueName,
  type LabRegistry,
} from '../../test/lab/index.js';
import { PROXIES, type LabProxy } from '../../test/lab/proxies.js';
import { publishUpdate } from '../../test/support/images.js';
import { addressOn, sendTraffic } from '../../test/support/proxy-traffic.js';
import { tempStore, tidewatchDeps } from '../../test/support/tidewatch.js';

/**
 * Start-first behind a proxy (docs/proxy-switch.md), as a client of the proxy sees it: Debian's
 * nginx, caddy or haproxy on loopback in front of a container, a client sending requests through it
 * as fast as they are answered (four at a time, each on a new connection, no retry), while the
 * container is updated `updates` times. Every failed request counts.
 */
export type ProxyDriver = keyof typeof PROXIES;

export interface ProxyDowntimeResult {
  readonly proxy: ProxyDriver;
  readonly updates: number;
  readonly requests: number;
  readonly failed: number;
  /** Up to five failures as the client saw them, to say why. */
  readonly failures: string[];
  readonly versionsSeen: number;
  readonly wallSeconds: number;
}

export async function measureProxyDowntime(
  registry: LabRegistry,
  driver: ProxyDriver,
  updates: number,
): Promise<ProxyDowntimeResult> {
  const docker = labDocker();
  const network = uniqueName(`bench-px-${driver}`);
  await docker.createNetwork({ Name: network, Labels: labLabels() });
  const image = `${registry.host}/${uniqueName(`bench-px-${driver}`)}:latest`;
  await buildAndPush(image, { cmd: SERVE, env: ['VERSION=0'] });
  const name = uniqueName(`bench-px-${driver}`);
  const planned = await PROXIES[driver]();
  await runContainer(name, image, {
    Labels: { ...planned.labels(8080), 'tidewatch.drain': '10s' },
    HostConfig: { NetworkMode: network },
  });
  const store = tempStore();
  let proxy: LabProxy | undefined;
  try {
    proxy = await planned.start(await addressOn(network, name));
    const deps = { ...(await tidewatchDeps({ stopTimeout: '1s', verifyWindow: '1s' })), store: store.store };
    const started = Date.now();
    const traffic = sendTraffic(proxy.url, { workers: 4, maxRequests: 10_000_000 });
    try {
      for (let version = 1; version <= updates; version++) {
        await publishUpdate(image, { cmd: SERVE, env: [`VERSION=${version}`] });
        const report = await runCycle(deps, {
          names: [name],
          update: true,
          signal: new AbortController().signal,
          trigger: 'cli',
        });
        const action = report.entries.find((entry) => entry.name === name)?.action;
        if (action !== 'updated')
          throw new Error(`update ${version} behind ${driver} ended ${action ?? 'without an action'}`);
      }
    } catch (error) {
      await traffic.stop();
      throw error;
    }
    const seen = await traffic.stop();
    return {
      proxy: driver,
      updates,
      requests: seen.ok + seen.failures.length,
      failed: seen.failures.length,
      failures: seen.failures.slice(0, 5),
      versionsSeen: new Set(seen.versions).size,
      wallSeconds: Math.round((Date.now() - started) / 100) / 10,
    };
  } finally {
    await proxy?.stop();
    store.close();
    await docker
      .getContainer(name)
      .remove({ force: true })
      .catch(() => undefined);
    await docker
      .getNetwork(network)
      .remove()
      .catch(() => undefined);
  }
}
