import { runCycle } from '../../src/updater/index.js';
import {
  buildAndPush,
  labDocker,
  labLabels,
  runContainer,
  uniqueName,
  type LabRegistry,
} from '../../test/lab/index.js';
import { publishUpdate } from '../../test/support/images.js';
import { tempStore, tidewatchDeps } from '../../test/support/tidewatch.js';

/**
 * Downtime of stop-first against start-first, as a client sees it: a container on the service's
 * network resolves the service alias and requests it in a tight loop while the service is updated
 * `updates` times. Each request's outcome is a log line, timestamped by the engine; the results are
 * the failed requests and the longest time between two successful ones.
 */
/** Serves `v$VERSION` on port 8080 with busybox httpd: the service both downtime scenarios update. */
export const SERVE = [
  'sh',
  '-c',
  'mkdir -p /www && echo "v$VERSION" > /www/index.html && exec httpd -f -p 8080 -h /www',
];
const RESOLVE = String.raw`nslookup svc 2>/dev/null | sed -n 's/^Address: \([0-9.]*\)$/\1/p' | head -1`;
const REQUEST = String.raw`printf 'GET / HTTP/1.0\r\n\r\n' | nc -w 2 $ip 8080 2>/dev/null | tail -1`;
const LOOP = `while true; do ip=$(${RESOLVE}); body=$(${REQUEST}); case "$body" in v*) echo ok ;; *) echo FAIL ;; esac; done`;

export interface StrategyResult {
  readonly strategy: string;
  readonly updates: number;
  readonly requests: number;
  readonly failed: number;
  readonly longestGapMs: number;
  readonly wallSeconds: number;
}

export async function measureDowntime(
  registry: LabRegistry,
  strategy: 'stop-first' | 'start-first',
  updates: number,
): Promise<StrategyResult> {
  const docker = labDocker();
  const network = uniqueName('bench-net');
  await docker.createNetwork({ Name: network, Labels: labLabels() });
  const image = `${registry.host}/${uniqueName('bench')}:latest`;
  await buildAndPush(image, { cmd: SERVE, env: ['VERSION=0'] });
  const name = uniqueName(`bench-${strategy}`);
  await runContainer(name, image, {
    Labels: { 'tidewatch.strategy': strategy, 'tidewatch.drain': '1s' },
    HostConfig: { NetworkMode: network },
    NetworkingConfig: { EndpointsConfig: { [network]: { Aliases: ['svc'] } } },
  });
  const client = await runContainer(uniqueName('bench-client'), image, {
    Cmd: ['sh', '-c', LOOP],
    HostConfig: { NetworkMode: network },
  });
  const store = tempStore();
  const since = Math.floor(Date.now() / 1000);
  const started = Date.now();
  let raw: string;
  let wallSeconds: number;
  try {
    const deps = { ...(await tidewatchDeps({ stopTimeout: '1s', verifyWindow: '1s' })), store: store.store };
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
        throw new Error(`update ${version} with ${strategy} ended ${action ?? 'without an action'}`);
    }
    wallSeconds = Math.round((Date.now() - started) / 100) / 10;
    raw = (await client.logs({ stdout: true, stderr: true, timestamps: true, since })).toString();
  } finally {
    store.close();
    // The client loops without end: left to cleanupLab() at the end of the run, it kept both
    // cores busy through every scenario after this one.
    await client.remove({ force: true }).catch(() => undefined);
    await docker
      .getContainer(name)
      .remove({ force: true })
      .catch(() => undefined);
    await docker
      .getNetwork(network)
      .remove()
      .catch(() => undefined);
  }
  const lines = raw
    .split('\n')
    .map((line) => /(\d{4}-\d\d-\d\dT[\d:.]+Z) (ok|FAIL)/.exec(line))
    .filter((match): match is RegExpExecArray => match !== null)
    .map((match) => ({ at: Date.parse(match[1] ?? ''), ok: match[2] === 'ok' }));
  let longestGapMs = 0;
  let lastOk: number | undefined;
  for (const line of lines) {
    if (!line.ok) continue;
    if (lastOk !== undefined) longestGapMs = Math.max(longestGapMs, line.at - lastOk);
    lastOk = line.at;
  }
  return {
    strategy,
    updates: updates,
    requests: lines.length,
    failed: lines.filter((line) => !line.ok).length,
    longestGapMs,
    wallSeconds,
  };
}
