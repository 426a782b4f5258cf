import { createConnection, createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  compareApiVersions,
  connectEngine,
  NEWEST_SUPPORTED_API,
  resolveConnection,
} from '../../src/engine/index.js';
import { assertEngine, engineAddress, labDocker } from '../lab/index.js';
import { expectExit, runCli } from '../support/tidewatch.js';

/** A loopback TCP port that forwards to the engine's unix socket: a real `tcp://` engine. */
async function tcpForwarder(socketPath: string): Promise<{ server: Server; port: number }> {
  const server = createServer((client) => {
    const upstream = createConnection(socketPath);
    client.pipe(upstream).pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('no address');
  return { server, port: address.port };
}

describe('engine connection', () => {
  let forwarder: { server: Server; port: number };

  beforeAll(async () => {
    await assertEngine();
    const address = engineAddress();
    const socketPath = address.startsWith('unix://')
      ? address.slice('unix://'.length)
      : '/var/run/docker.sock';
    forwarder = await tcpForwarder(socketPath);
  });
  afterAll(() => forwarder?.server.close());

  it('negotiates the lower of the engine API version and the newest supported one', async () => {
    const engine = await connectEngine(resolveConnection({ host: process.env.DOCKER_HOST }));
    const offered = (await labDocker().version()).ApiVersion;
    const expected = compareApiVersions(offered, NEWEST_SUPPORTED_API) < 0 ? offered : NEWEST_SUPPORTED_API;
    expect(engine.apiVersion).toBe(expected);
    // Every call goes through the negotiated version: listing works on it.
    await expect(engine.listContainers({ all: false })).resolves.toBeInstanceOf(Array);
  });

  it('reaches the engine over tcp:// from DOCKER_HOST and from --host', async () => {
    const viaEnv = await runCli(['check', '--json', 'tw-no-such-container'], {
      DOCKER_HOST: `tcp://127.0.0.1:${forwarder.port}`,
    });
    expect(JSON.parse(viaEnv.stdout)).toEqual([
      expect.objectContaining({
        name: 'tw-no-such-container',
        status: 'unknown',
        reason: 'no such container',
      }),
    ]);
    const viaFlag = await runCli(
      ['check', '--json', '--host', `tcp://127.0.0.1:${forwarder.port}`, 'tw-no-such-container'],
      {
        DOCKER_HOST: 'unix:///nonexistent/docker.sock',
      },
    );
    expect(viaFlag.stdout).toContain('no such container');
  });

  it('an unreachable engine is one clear line and exit 1', async () => {
    const result = await runCli(['check'], { DOCKER_HOST: 'unix:///nonexistent/docker.sock' });
    expectExit(result, 1);
    expect(result.stderr.trim()).toMatch(
      /^tidewatch: cannot reach the Docker engine at unix:\/\/\/nonexistent\/docker\.sock: .+$/,
    );
  });

  it('a bad setting is one line naming it, and exit 2', async () => {
    const result = await runCli(['once'], { WATCHTOWER_POLL_INTERVAL: 'soon' });
    expectExit(result, 2);
    expect(result.stderr.trim()).toBe(
      'tidewatch: WATCHTOWER_POLL_INTERVAL: expected a duration such as 30, 30s, 5m or 1h, got "soon"',
    );
  });

  it('a data dir that cannot be made is one line naming it, not a hang (Node 20 recursive mkdir loops on /proc)', async () => {
    const result = await runCli(['once'], { TIDEWATCH_DATA_DIR: '/proc/tidewatch-data/here' }, 20_000);
    expectExit(result, 1);
    expect(result.stderr.trim()).toMatch(
      /^tidewatch: cannot create data dir \/proc\/tidewatch-data\/here: ENOENT: no such file or directory, mkdir '\/proc\/tidewatch-data'$/,
    );
  });

  it('the package bin answers --version', async () => {
    const { execFileSync } = await import('node:child_process');
    const bin = new URL('../../bin/tidewatch.js', import.meta.url).pathname;
    expect(execFileSync(process.execPath, [bin, '--version']).toString().trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('--help lists the commands', async () => {
    const result = await runCli(['--help']);
    expectExit(result);
    for (const command of ['run', 'once', 'check']) expect(result.stdout).toContain(command);
  });
});
