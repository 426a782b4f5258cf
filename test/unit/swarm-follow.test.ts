import { describe, expect, it } from 'vitest';
import {
  followUpdate,
  type ServiceDetails,
  type SwarmEngine,
  type SwarmUpdateStatus,
  type TaskSummary,
} from '../../src/swarm/index.js';

const IMAGE = `registry.example/app:1.0@sha256:${'b'.repeat(64)}`;
const OLD = `registry.example/app:1.0@sha256:${'a'.repeat(64)}`;

/** The service as the swarm shows it, one look at a time; the last look repeats. */
function fakeSwarm(
  looks: Array<SwarmUpdateStatus | undefined | 'gone'>,
  tasks: TaskSummary[] = [],
): SwarmEngine {
  let index = 0;
  const details = (status: SwarmUpdateStatus | undefined): ServiceDetails => ({
    id: 'svc',
    name: 'app',
    version: 2,
    image: IMAGE,
    serviceLabels: {},
    containerLabels: {},
    mode: 'replicated',
    platform: undefined,
    updateConfig: undefined,
    updateStatus: status,
    spec: {},
  });
  const unused = (): never => {
    throw new Error('not used by followUpdate');
  };
  return {
    state: unused,
    platform: unused,
    listServices: unused,
    updateService: unused,
    inspectService: () => {
      const look = looks[Math.min(index++, looks.length - 1)];
      return Promise.resolve(look === 'gone' ? undefined : details(look));
    },
    listTasks: () => Promise.resolve(tasks),
  };
}

/** Time passes only when the follower sleeps: no test waits for real. */
function time(): { clock: () => number; sleep: (ms: number) => Promise<void>; slept: number[] } {
  let now = 0;
  const slept: number[] = [];
  return {
    clock: () => now,
    sleep: (ms) => {
      slept.push(ms);
      now += ms;
      return Promise.resolve();
    },
    slept,
  };
}

const status = (state: string, message = '', startedAt = 'now'): SwarmUpdateStatus => ({
  state,
  message,
  startedAt,
});

function follow(
  swarm: SwarmEngine,
  options: {
    timeoutMs?: number;
    isOurs?: (status: SwarmUpdateStatus) => boolean;
    shouldStop?: () => boolean;
  } = {},
): ReturnType<typeof followUpdate> {
  const { clock, sleep } = time();
  return followUpdate(
    { swarm, clock, sleep, pollMs: 1000 },
    {
      serviceId: 'svc',
      image: IMAGE,
      timeoutMs: options.timeoutMs ?? 60_000,
      isOurs: options.isOurs ?? (() => true),
      signal: new AbortController().signal,
      shouldStop: options.shouldStop,
    },
  );
}

describe('followUpdate', () => {
  it('follows updating to completed', async () => {
    const swarm = fakeSwarm([
      undefined,
      status('updating', 'update in progress'),
      status('completed', 'update completed'),
    ]);
    expect(await follow(swarm)).toEqual({ kind: 'completed', message: 'update completed' });
  });

  it('keeps the rollback’s cause, which rollback_completed no longer says', async () => {
    const swarm = fakeSwarm([
      status('updating'),
      status('rollback_started', 'update rolled back due to failure or early termination of task x1'),
      status('rollback_completed', 'rollback completed'),
    ]);
    expect(await follow(swarm)).toEqual({
      kind: 'rolled-back',
      message: 'update rolled back due to failure or early termination of task x1; rollback completed',
    });
    expect(await follow(fakeSwarm([status('rollback_completed', 'rollback completed')]))).toEqual({
      kind: 'rolled-back',
      message: 'rollback completed',
    });
  });

  it('reports a paused update or rollback as paused, with the state', async () => {
    expect(await follow(fakeSwarm([status('paused', 'update paused due to failure of task y')]))).toEqual({
      kind: 'paused',
      state: 'paused',
      message: 'update paused due to failure of task y',
    });
    expect(await follow(fakeSwarm([status('rollback_paused', 'rollback paused')]))).toMatchObject({
      kind: 'paused',
      state: 'rollback_paused',
    });
  });

  it('ignores the status of the service’s previous update', async () => {
    const swarm = fakeSwarm([
      status('rollback_completed', 'rollback completed', 'before'),
      status('updating', '', 'ours'),
      status('completed', 'update completed', 'ours'),
    ]);
    expect(await follow(swarm, { isOurs: (s) => s.startedAt === 'ours' })).toMatchObject({
      kind: 'completed',
    });
  });

  it('gives up after the timeout, naming the last state', async () => {
    const result = await follow(fakeSwarm([status('updating', 'update in progress')]), { timeoutMs: 5000 });
    expect(result).toEqual({ kind: 'timed-out', state: 'updating', message: 'update in progress' });
  });

  it('without any status, is done once no running task is left on another image', async () => {
    const done = await follow(
      fakeSwarm(
        [undefined],
        [{ id: 't', image: IMAGE, desiredState: 'running', state: 'running', error: '' }],
      ),
    );
    expect(done).toEqual({ kind: 'completed', message: 'the swarm had no task to replace' });
    const waiting = await follow(
      fakeSwarm([undefined], [{ id: 't', image: OLD, desiredState: 'running', state: 'running', error: '' }]),
      { timeoutMs: 20_000 },
    );
    expect(waiting).toEqual({ kind: 'timed-out', state: 'not started', message: '' });
  });

  it('says when the service is gone, and stops following when Tidewatch stops', async () => {
    expect(await follow(fakeSwarm([status('updating'), 'gone']))).toEqual({ kind: 'gone' });
    expect(await follow(fakeSwarm([status('updating')]), { shouldStop: () => true })).toEqual({
      kind: 'detached',
    });
  });
});
