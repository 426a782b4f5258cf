import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContainerStatus } from '../../src/domain/index.js';
import type { Engine, ExecResult } from '../../src/engine/index.js';
import { verifyContainer, type VerifyPolicy } from '../../src/updater/verify.js';

const running: ContainerStatus = {
  state: 'running',
  health: 'none',
  restartCount: 0,
  startedAt: 't0',
  exitCode: 0,
};

/**
 * An engine that replays a script of statuses, one per poll (the last repeats), on a fake clock
 * that the fake sleep advances: pure timing logic, no containers involved.
 */
function scripted(statuses: ContainerStatus[], exec?: ExecResult) {
  let time = 0;
  let polls = 0;
  const engine = {
    containerStatus: () => Promise.resolve(statuses[Math.min(polls++, statuses.length - 1)]),
    exec: () => Promise.resolve(exec ?? { kind: 'exited', exitCode: 0, output: '' }),
  } as unknown as Engine;
  return {
    deps: {
      engine,
      now: () => time,
      sleep: (ms: number) => {
        time += ms;
        return Promise.resolve();
      },
      pollMs: 1000,
    },
    elapsed: () => time,
  };
}

const policy: VerifyPolicy = { timeoutMs: 5000, windowMs: 3000 };

describe('verifyContainer without a healthcheck: the stability window', () => {
  it('passes when the container keeps running through the window', async () => {
    const { deps, elapsed } = scripted([running]);
    expect(await verifyContainer(deps, 'id', policy)).toEqual({ ok: true });
    expect(elapsed()).toBe(3000);
  });

  it.each([
    [
      'an exit',
      { ...running, state: 'exited', exitCode: 2 },
      'it exited with code 2 within the 3s stability window',
    ],
    [
      'a restart',
      { ...running, restartCount: 1, startedAt: 't1' },
      'it restarted within the 3s stability window',
    ],
    [
      'a restarting state',
      { ...running, state: 'restarting' },
      'it is restarting within the 3s stability window',
    ],
  ] as const)('fails on %s', async (_what, later, reason) => {
    const { deps } = scripted([running, running, later]);
    expect(await verifyContainer(deps, 'id', policy)).toEqual({ ok: false, reason });
  });

  it('fails when the container is gone', async () => {
    const { deps } = scripted([]);
    expect(await verifyContainer(deps, 'id', policy)).toEqual({
      ok: false,
      reason: 'the new container disappeared',
    });
  });
});

describe('verifyContainer with a healthcheck', () => {
  const starting: ContainerStatus = { ...running, health: 'starting' };
  it('passes as soon as it is healthy', async () => {
    const { deps, elapsed } = scripted([starting, starting, { ...running, health: 'healthy' }]);
    expect(await verifyContainer(deps, 'id', policy)).toEqual({ ok: true });
    expect(elapsed()).toBe(1000);
  });
  it('fails when unhealthy', async () => {
    const { deps } = scripted([starting, { ...running, health: 'unhealthy' }]);
    expect(await verifyContainer(deps, 'id', policy)).toEqual({
      ok: false,
      reason: 'its healthcheck reported unhealthy',
    });
  });
  it('fails when not healthy within the timeout', async () => {
    const { deps, elapsed } = scripted([starting]);
    expect(await verifyContainer(deps, 'id', policy)).toEqual({
      ok: false,
      reason: 'it was not healthy within 5s (still starting)',
    });
    expect(elapsed()).toBe(5000);
  });
  it('fails when it exits while starting', async () => {
    const { deps } = scripted([starting, { ...starting, state: 'exited', exitCode: 137 }]);
    expect(await verifyContainer(deps, 'id', policy)).toEqual({
      ok: false,
      reason: 'it exited with code 137',
    });
  });
});

describe('verifyContainer probes', () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      res.statusCode = req.url === '/ok' ? 200 : 503;
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  afterAll(() => server.close());

  it('runs the command probe after the window', async () => {
    const failing = scripted([running], { kind: 'exited', exitCode: 1, output: 'db not reachable\n' });
    expect(await verifyContainer(failing.deps, 'id', { ...policy, command: 'check' })).toEqual({
      ok: false,
      reason: 'the verify command exited 1: db not reachable',
    });
    const passing = scripted([running]);
    expect(await verifyContainer(passing.deps, 'id', { ...policy, command: 'check' })).toEqual({ ok: true });
  });

  it('fetches the HTTP probe from Tidewatch', async () => {
    const { deps } = scripted([running]);
    expect(await verifyContainer(deps, 'id', { ...policy, httpUrl: `${base}/ok` })).toEqual({ ok: true });
    expect(
      await verifyContainer(scripted([running]).deps, 'id', { ...policy, httpUrl: `${base}/down` }),
    ).toEqual({
      ok: false,
      reason: `the verify URL ${base}/down answered 503`,
    });
  });
});

describe('verifyContainer on an engine that runs no health checks itself (Podman without systemd)', () => {
  const starting: ContainerStatus = { ...running, health: 'starting' };

  it('runs the check itself, at most once a second while starting, until the engine says healthy', async () => {
    let time = 0;
    const runs: number[] = [];
    let health: ContainerStatus['health'] = 'starting';
    const engine = {
      containerStatus: () => Promise.resolve({ ...starting, health }),
      runHealthcheck: () => {
        runs.push(time);
        // The engine records the result of the third run: healthy.
        if (runs.length === 3) health = 'healthy';
        return Promise.resolve();
      },
    } as unknown as Engine;
    const deps = {
      engine,
      now: () => time,
      sleep: (ms: number) => {
        time += ms;
        return Promise.resolve();
      },
      pollMs: 250,
    };
    expect(await verifyContainer(deps, 'id', policy)).toEqual({ ok: true });
    expect(runs).toEqual([0, 1000, 2000]);
  });

  it('a run that fails is left to the deadline, which still decides', async () => {
    const { deps } = scripted([starting]);
    const engine = { ...deps.engine, runHealthcheck: () => Promise.reject(new Error('busy')) } as Engine;
    expect(await verifyContainer({ ...deps, engine }, 'id', policy)).toEqual({
      ok: false,
      reason: 'it was not healthy within 5s (still starting)',
    });
  });
});
