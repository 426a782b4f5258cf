import { describe, expect, it } from 'vitest';
import { RunQueue, type RunRequest } from '../../src/scheduler/index.js';

/** A queue whose runs finish only when the test says so, recording what each run was asked. */
function controlledQueue(): { queue: RunQueue<number>; runs: RunRequest[]; finish: () => void } {
  const runs: RunRequest[] = [];
  const gates: Array<() => void> = [];
  const queue = new RunQueue<number>(async (request) => {
    runs.push(request);
    await new Promise<void>((resolve) => gates.push(resolve));
    return runs.length;
  });
  const finish = (): void => gates.shift()?.();
  return { queue, runs, finish };
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('RunQueue', () => {
  it('runs one at a time and merges what waits: a full run absorbs targeted ones', async () => {
    const { queue, runs, finish } = controlledQueue();
    const first = queue.request({ trigger: 'schedule' });
    await tick();
    const a = queue.request({ trigger: 'webhook:registry', images: ['r:5000/a'] });
    const b = queue.request({ trigger: 'api', names: ['x'] });
    const full = queue.request({ trigger: 'api' });
    await tick();
    expect(runs).toHaveLength(1);
    finish();
    expect(await first).toBe(1);
    await tick();
    expect(runs[1]).toEqual({ trigger: 'webhook:registry' });
    finish();
    expect(await Promise.all([a, b, full])).toEqual([2, 2, 2]);
    expect(runs).toHaveLength(2);
  });

  it('merges image-only requests into one run with the union of images', async () => {
    const { queue, runs, finish } = controlledQueue();
    const first = queue.request({ trigger: 'api', names: ['x'] });
    await tick();
    const a = queue.request({ trigger: 'webhook:registry', images: ['r:5000/a'] });
    const b = queue.request({ trigger: 'webhook:registry', images: ['r:5000/b', 'r:5000/a'] });
    const c = queue.request({ trigger: 'api', names: ['y'] });
    finish();
    await first;
    await tick();
    finish();
    await Promise.all([a, b]);
    await tick();
    finish();
    await c;
    expect(runs.slice(1)).toEqual([
      { trigger: 'webhook:registry', images: ['r:5000/a', 'r:5000/b'] },
      { trigger: 'api', names: ['y'] },
    ]);
  });

  it('never merges a check-only request with an update, either way round', async () => {
    const { queue, runs, finish } = controlledQueue();
    const first = queue.request({ trigger: 'schedule' });
    await tick();
    const check = queue.request({ trigger: 'api', checkOnly: true });
    const update = queue.request({ trigger: 'api' });
    const anotherCheck = queue.request({ trigger: 'api', names: ['x'], checkOnly: true });
    finish();
    await first;
    for (let run = 0; run < 2; run++) {
      await tick();
      finish();
    }
    expect(await Promise.all([check, update, anotherCheck])).toEqual([2, 3, 2]);
    expect(runs.slice(1)).toEqual([{ trigger: 'api', checkOnly: true }, { trigger: 'api' }]);
  });

  it('refuses new requests once closed, and close waits for the run in flight', async () => {
    const { queue, finish } = controlledQueue();
    const first = queue.request({ trigger: 'schedule' });
    await tick();
    let closed = false;
    const closing = queue.close().then(() => (closed = true));
    await expect(queue.request({ trigger: 'api' })).rejects.toThrow('tidewatch is stopping');
    await tick();
    expect(closed).toBe(false);
    finish();
    await Promise.all([first, closing]);
    expect(closed).toBe(true);
  });

  it('a failed run rejects its waiters and the queue goes on', async () => {
    let calls = 0;
    const queue = new RunQueue<number>(() => {
      calls += 1;
      return calls === 1 ? Promise.reject(new Error('engine down')) : Promise.resolve(calls);
    });
    await expect(queue.request({ trigger: 'api' })).rejects.toThrow('engine down');
    expect(await queue.request({ trigger: 'api' })).toBe(2);
  });

  it('runs an exclusive task in its turn, never merged with cycles around it', async () => {
    const { queue, runs, finish } = controlledQueue();
    const first = queue.request({ trigger: 'schedule' });
    await tick();
    const order: string[] = [];
    const task = queue.exclusive('api', () => {
      order.push(`task after ${runs.length} runs`);
      return Promise.resolve('rolled back');
    });
    const later = queue.request({ trigger: 'api' });
    finish();
    await first;
    expect(await task).toBe('rolled back');
    await tick();
    finish();
    await later;
    expect(order).toEqual(['task after 1 runs']);
    expect(runs).toHaveLength(2);
  });
});
