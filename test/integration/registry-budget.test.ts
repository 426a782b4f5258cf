import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildAndPush,
  runContainer,
  startFaultProxy,
  uniqueName,
  type FaultProxy,
  type ProxyRequest,
} from '../lab/index.js';
import { publishUpdate } from '../support/images.js';
import { useLab } from '../support/lab.js';
import { expectExit, runCli, type CliResult } from '../support/tidewatch.js';

// The real registry behind the lab's fault proxy, which answers 429s, adds Docker Hub's quota
// headers, holds requests and counts what reaches it. Tidewatch runs as the CLI, as users run it.

interface Entry {
  name: string;
  status: string;
  reason: string | null;
  waitingFor: { kind: string; registry: string; cause: string; until: string } | null;
}

const MANIFESTS = /\/manifests\//;
const UNTIL = /until \d\d:\d\d:\d\d UTC/;

describe('registry budgets', () => {
  const lab = useLab();
  let proxy: FaultProxy;

  beforeAll(async () => {
    proxy = await startFaultProxy(lab.registry);
  });

  afterAll(async () => {
    await proxy?.stop();
  });

  /** `count` images behind the proxy, one container on each, all in a scope of their own. */
  async function containersOn(count: number): Promise<{ scope: string; images: string[] }> {
    proxy.setMode('pass');
    const scope = uniqueName('rl');
    const images: string[] = [];
    for (let index = 0; index < count; index++) {
      const image = `${proxy.host}/${uniqueName(`rl${index}`)}:latest`;
      await buildAndPush(image);
      await runContainer(uniqueName(`rl-${index}`), image, { Labels: { 'tidewatch.scope': scope } });
      images.push(image);
    }
    return { scope, images };
  }

  async function check(scope: string, ...flags: string[]): Promise<CliResult & { entries: Entry[] }> {
    proxy.resetRequests();
    const result = await runCli(['check', '--json', '--scope', scope, ...flags]);
    return { ...result, entries: JSON.parse(result.stdout) as Entry[] };
  }

  const manifestRequests = (): ProxyRequest[] =>
    proxy.requests().filter((request) => MANIFESTS.test(request.path));

  it('a 429 with Retry-After is waited out, then the check goes on', async () => {
    const { scope, images } = await containersOn(1);
    await runContainer(uniqueName('rl-twin'), images[0]!, { Labels: { 'tidewatch.scope': scope } });
    await publishUpdate(images[0]!);
    proxy.setMode('rateLimited', { paths: MANIFESTS, times: 1, retryAfter: '2' });

    const result = await check(scope);
    expect(result.code, result.stderr).toBe(0);
    expect(result.entries.map((entry) => entry.status)).toEqual(['update-available', 'update-available']);
    const [limited, retry] = manifestRequests();
    expect(limited?.status).toBe(429);
    expect(retry?.status).toBe(200);
    // The retry came after the Retry-After (a lower bound: a slow machine only makes it later).
    expect(retry!.at - limited!.at).toBeGreaterThanOrEqual(1950);
    // Two containers on one tag: one HEAD refused, one retried, one GET to compare: no more.
    expect(manifestRequests().map((request) => `${request.method} ${request.status}`)).toEqual([
      'HEAD 429',
      'HEAD 200',
      'GET 200',
    ]);
  });

  it('a registry that keeps answering 429 is asked once per Retry-After, then reported unknown until when', async () => {
    const { scope } = await containersOn(3);
    proxy.setMode('rateLimited', { paths: MANIFESTS, retryAfter: '1' });

    const result = await check(scope, '--max-registry-wait', '3s', '--registry-limit', `${proxy.host}=1`);
    expectExit(result, 1);
    expect(result.entries).toHaveLength(3);
    for (const entry of result.entries) {
      expect(entry.status).toBe('unknown');
      expect(entry.reason).toContain(`rate limited by ${proxy.host}`);
      expect(entry.reason).toMatch(UNTIL);
      expect(entry.waitingFor).toMatchObject({
        kind: 'registry-budget',
        registry: proxy.host,
        cause: 'retry-after',
      });
    }
    const requests = manifestRequests();
    expect(requests.every((request) => request.status === 429)).toBe(true);
    // Never two requests within one Retry-After period, and no more than the wait limit allows:
    // one at the start and one per second of the 3 s limit.
    for (let index = 1; index < requests.length; index++) {
      expect(requests[index]!.at - requests[index - 1]!.at).toBeGreaterThanOrEqual(950);
    }
    expect(requests.length).toBeGreaterThan(0);
    expect(requests.length).toBeLessThanOrEqual(5);
  });

  it('a Retry-After beyond the wait limit is not waited: unknown at once, with until when', async () => {
    const { scope } = await containersOn(2);
    proxy.setMode('rateLimited', { paths: MANIFESTS, retryAfter: '3600' });
    const before = Date.now();

    const result = await check(scope);
    expectExit(result, 1);
    for (const entry of result.entries) {
      expect(entry.status).toBe('unknown');
      expect(entry.reason).toMatch(UNTIL);
      expect(entry.reason).toContain('over the 60 s limit');
      expect(entry.waitingFor).toMatchObject({ kind: 'registry-budget', cause: 'retry-after' });
      expect(Date.parse(entry.waitingFor!.until)).toBeGreaterThan(before + 3_500_000);
    }
    // Each distinct request was sent once, none retried.
    expect(manifestRequests().length).toBeLessThanOrEqual(2);
  });

  it("Docker Hub's ratelimit-remaining: 0 pauses the registry: no request is sent that would be refused", async () => {
    const { scope } = await containersOn(2);
    proxy.setMode('pass', { headers: { 'ratelimit-remaining': '0;w=3600' } });

    const result = await check(scope);
    expectExit(result, 1);
    for (const entry of result.entries) {
      expect(entry.status).toBe('unknown');
      expect(entry.reason).toContain('ratelimit-remaining: 0;w=3600');
      expect(entry.waitingFor).toMatchObject({ kind: 'registry-budget', cause: 'ratelimit-remaining' });
    }
    // The API check that brought the header went through; nothing after it.
    expect(proxy.requests().map((request) => `${request.method} ${request.path}`)).toEqual(['GET /v2/']);
  });

  it('with a concurrency limit of 1 the registry never sees two requests at once', async () => {
    const { scope } = await containersOn(4);
    proxy.setMode('pass', { delayMs: 300 });

    // Without a limit the four checks overlap at the registry: the test can see overlap.
    const free = await check(scope);
    expect(free.code, free.stderr).toBe(0);
    expect(proxy.maxInFlight()).toBeGreaterThan(1);

    const limited = await check(scope, '--registry-limit', `${proxy.host}=1`);
    expect(limited.code, limited.stderr).toBe(0);
    expect(limited.entries.map((entry) => entry.status)).toEqual(Array(4).fill('current'));
    expect(proxy.maxInFlight()).toBe(1);
  });

  it('a request-rate budget that is spent reports the rest unknown, without asking the registry', async () => {
    const { scope } = await containersOn(3);
    proxy.setMode('pass');

    const result = await check(scope, '--registry-limit', `${proxy.host}=2/1h`);
    expectExit(result, 1);
    // Two requests in the hour: the API check and one HEAD.
    expect(proxy.requests()).toHaveLength(2);
    const statuses = result.entries.map((entry) => entry.status).sort();
    expect(statuses).toEqual(['current', 'unknown', 'unknown']);
    for (const entry of result.entries.filter((candidate) => candidate.status === 'unknown')) {
      expect(entry.reason).toContain(`rate limited by the request budget for ${proxy.host} (2 per 1h)`);
      expect(entry.waitingFor).toMatchObject({ kind: 'registry-budget', cause: 'budget' });
    }
  });
});
