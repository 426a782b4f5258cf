import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlagValues } from '../../src/config/index.js';
import type { Store } from '../../src/store/index.js';
import { runCycle, type CycleEntry } from '../../src/updater/index.js';
import { buildAndPush, labDocker, labLabels, runContainer, uniqueName } from '../lab/index.js';
import { PROXIES, type LabProxy } from '../lab/proxies.js';
import { publishUpdate } from '../support/images.js';
import { addressOn, sendTraffic } from '../support/proxy-traffic.js';
import { useLab } from '../support/lab.js';
import { tempStore, tidewatchDeps } from '../support/tidewatch.js';

/**
 * The start-first switch through each proxy people put in front (issue 24): the real nginx, caddy
 * and haproxy on loopback, proxying to the container's address on the test's own network. A client
 * sends requests through the proxy for the whole update; one slow request is in flight across the
 * switch. Nothing here asserts on time.
 */

/** Serves `v$VERSION` at / and, at /cgi-bin/slow, the same after SLOW seconds (a request in flight). */
const SERVE = [
  'sh',
  '-c',
  [
    'mkdir -p /www/cgi-bin',
    'echo "v$VERSION" > /www/index.html',
    String.raw`printf '#!/bin/sh\nsleep %s\nprintf "Content-Type: text/plain\\r\\n\\r\\nslow v%s\\n"\n' "$SLOW" "$VERSION" > /www/cgi-bin/slow`,
    'busybox chmod +x /www/cgi-bin/slow',
    'exec httpd -f -p 8080 -h /www',
  ].join(' && '),
];
/** Long enough that the switch comes while it is in flight: the update's verification takes 1 s here. */
const SLOW_SECONDS = 12;

/** One update cycle of `name`, as `tidewatch once NAME` runs it: the container's entry. */
async function updateOnce(
  store: Store,
  name: string,
  flags: FlagValues = {},
): Promise<CycleEntry | undefined> {
  const deps = { ...(await tidewatchDeps({ stopTimeout: '1s', ...flags })), store };
  const report = await runCycle(deps, {
    names: [name],
    update: true,
    signal: new AbortController().signal,
    trigger: 'cli',
  });
  return report.entries.find((entry) => entry.name === name);
}

describe.each(Object.keys(PROXIES) as Array<keyof typeof PROXIES>)('start-first behind %s', (driver) => {
  const docker = labDocker();
  const lab = useLab();
  const network = uniqueName(`px-${driver}`);
  let store: ReturnType<typeof tempStore>;
  let proxy: LabProxy | undefined;
  let image = '';
  let name = '';

  const addressOf = (container: string): Promise<string> => addressOn(network, container);

  beforeAll(async () => {
    store = tempStore();
    await docker.createNetwork({ Name: network, Labels: labLabels() });
    image = `${lab.registry.host}/${uniqueName(`px-${driver}`)}:latest`;
    await buildAndPush(image, { cmd: SERVE, env: ['VERSION=1', `SLOW=${SLOW_SECONDS}`] });
    name = uniqueName(`px-${driver}`);
    const planned = await PROXIES[driver]();
    await runContainer(name, image, {
      Labels: { ...planned.labels(8080), 'tidewatch.drain': '60s' },
      HostConfig: { NetworkMode: network },
    });
    proxy = await planned.start(await addressOf(name));
  }, 300_000);

  afterAll(async () => {
    await proxy?.stop();
    store?.close();
  });

  it('switches to the verified new container: no request fails, the one in flight completes', async () => {
    const via = proxy!;
    expect(await via.target()).toBe(await addressOf(name));
    const old = (await docker.getContainer(name).inspect()).Id;
    const traffic = sendTraffic(via.url);
    const slow = fetch(`${via.url}cgi-bin/slow`, { signal: AbortSignal.timeout(120_000) }).then(
      async (response) => ({
        status: response.status,
        body: (await response.text()).trim(),
        oldStillThere: await docker
          .getContainer(old)
          .inspect()
          .then(
            (info) => info.State.Running,
            () => false,
          ),
      }),
    );
    await publishUpdate(image, { cmd: SERVE, env: ['VERSION=2', `SLOW=${SLOW_SECONDS}`] });

    const entry = await updateOnce(store.store, name);
    const seen = await traffic.stop();
    expect(entry).toMatchObject({ action: 'updated' });

    // The request in flight at the switch was answered by the old container, which was still
    // running when the answer came: the old one left only after it.
    expect(await slow).toEqual({ status: 200, body: 'slow v1', oldStillThere: true });
    expect(seen.failures, `${seen.failures.length} of ${seen.ok + seen.failures.length} failed`).toEqual([]);
    // v1 until the switch and v2 after; nginx's old and new workers both answer for an instant
    // during its reload, so the two may alternate briefly there.
    expect(seen.versions[0]).toBe('v1');
    expect(seen.versions.at(-1)).toBe('v2');
    const now = await docker.getContainer(name).inspect();
    expect(now.Id).not.toBe(old);
    expect(await via.target()).toBe(await addressOf(name));
    const [record] = store.store.history.list({ container: name, limit: 1 }).items;
    expect(record).toMatchObject({ strategy: 'start-first', state: 'committed' });
  }, 300_000);

  it('a new version that fails verification leaves the proxy on the running container', async () => {
    const via = proxy!;
    const before = (await docker.getContainer(name).inspect()).Id;
    const traffic = sendTraffic(via.url);
    await publishUpdate(image, { cmd: ['sh', '-c', 'exit 4'] });

    const entry = await updateOnce(store.store, name);
    const seen = await traffic.stop();
    expect(entry?.action).toBe('rolled-back');
    expect(seen.failures).toEqual([]);
    expect(seen.versions).toEqual(['v2']);
    expect((await docker.getContainer(name).inspect()).Id).toBe(before);
    expect(await via.target()).toBe(await addressOf(name));
  }, 300_000);
});

describe('the command driver', () => {
  const docker = labDocker();
  const lab = useLab();

  it('is told the old and new containers; a command that fails undoes the update', async () => {
    const network = uniqueName('px-cmd');
    await docker.createNetwork({ Name: network, Labels: labLabels() });
    const image = `${lab.registry.host}/${uniqueName('px-cmd')}:latest`;
    await buildAndPush(image, { cmd: SERVE, env: ['VERSION=1', 'SLOW=1'] });
    const dir = mkdtempSync(join(tmpdir(), 'tw-proxy-command-'));
    const told = join(dir, 'told');
    const name = uniqueName('px-cmd');
    // The command records what it was told; `fail` present makes it refuse, as a broken hook would.
    const command = `test ! -e ${dir}/fail && env | grep -E '^TIDEWATCH_(CONTAINER|PROXY_)' | sort >> ${told} && echo --- >> ${told}`;
    const labels = {
      'tidewatch.proxy': 'command',
      'tidewatch.proxy.port': '8080',
      'tidewatch.proxy.command': command,
    };
    const { id: oldId } = await runContainer(name, image, {
      Labels: labels,
      HostConfig: { NetworkMode: network },
    });
    const oldAddress = await addressOn(network, oldId);
    const store = tempStore();
    try {
      await publishUpdate(image, { cmd: SERVE, env: ['VERSION=2', 'SLOW=1'] });
      expect((await updateOnce(store.store, name, { drain: '2s' }))?.action).toBe('updated');
      const now = await docker.getContainer(name).inspect();
      const newAddress = await addressOn(network, now.Id);
      expect(readFileSync(told, 'utf8').split('\n')).toEqual([
        `TIDEWATCH_CONTAINER=${name}`,
        `TIDEWATCH_PROXY_NEW_ADDRESS=${newAddress}`,
        `TIDEWATCH_PROXY_NEW_ID=${now.Id}`,
        `TIDEWATCH_PROXY_OLD_ADDRESS=${oldAddress}`,
        `TIDEWATCH_PROXY_OLD_ID=${oldId}`,
        '---',
        '',
      ]);

      // The switch refused: the update fails and is undone (the proxy's fault, not the image's: the
      // digest is not remembered as bad), the running container kept, the reason recorded.
      writeFileSync(join(dir, 'fail'), '');
      await publishUpdate(image, { cmd: SERVE, env: ['VERSION=3', 'SLOW=1'] });
      const entry = await updateOnce(store.store, name, { drain: '2s' });
      expect(entry?.action).toBe('failed');
      expect(entry?.reason).toContain('the command proxy could not be switched');
      expect(entry?.reason).toContain(`proxy command "${command}" exited 1`);
      expect((await docker.getContainer(name).inspect()).Id).toBe(now.Id);
    } finally {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);
});
