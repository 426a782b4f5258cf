import { describe, expect, it } from 'vitest';
import type { ContainerDetails, ContainerSummary } from '../../src/domain/index.js';
import { toContainerEvent, type EventHandlers } from '../../src/engine/index.js';
import { ContainerInventory, changesDetails } from '../../src/inventory/index.js';
import { silentLogger } from '../../src/log/index.js';

/** Pure logic only: the real engine's events are tested in test/integration/inventory.test.ts. */
const details = (id: string, extra: Partial<ContainerDetails> = {}): ContainerDetails => ({
  id,
  name: `name-${id}`,
  state: 'running',
  restartCount: 0,
  imageId: 'sha256:img',
  config: { Labels: { a: '1' } },
  hostConfig: {},
  mounts: [],
  networks: {},
  ...extra,
});
const summary = (id: string, extra: Partial<ContainerSummary> = {}): ContainerSummary => ({
  id,
  name: `name-${id}`,
  state: 'running',
  imageId: 'sha256:img',
  labels: { a: '1' },
  ...extra,
});

function harness() {
  const answers = new Map<string, ContainerDetails>();
  let inspects = 0;
  let handlers: EventHandlers | undefined;
  let follows = 0;
  let gate: Promise<void> = Promise.resolve();
  const inventory = new ContainerInventory({
    engine: {
      inspectContainer: async (id) => {
        inspects += 1;
        await gate;
        return answers.get(id);
      },
    },
    events: {
      follow: (next) => {
        follows += 1;
        handlers = next;
      },
    },
    logger: silentLogger(),
    retryDelayMs: () => 0,
  });
  inventory.start();
  return {
    inventory,
    answers,
    inspects: () => inspects,
    follows: () => follows,
    events: () => handlers!,
    hold: () => {
      let release!: () => void;
      gate = new Promise((resolve) => (release = resolve));
      return () => {
        gate = Promise.resolve();
        release();
      };
    },
  };
}

describe('ContainerInventory', () => {
  it('caches only while the event stream is open', async () => {
    const h = harness();
    h.answers.set('x', details('x'));
    await h.inventory.details('x');
    await h.inventory.details('x');
    expect(h.inspects()).toBe(2);
    h.events().onOpen();
    await h.inventory.details('x');
    await h.inventory.details('x');
    expect(h.inspects()).toBe(3);
  });

  it('drops an entry on a changing event, and keeps it on exec and health events', async () => {
    const h = harness();
    h.events().onOpen();
    h.answers.set('x', details('x'));
    await h.inventory.details('x');
    h.events().onEvent({ id: 'x', action: 'exec_start: sh -c true' });
    h.events().onEvent({ id: 'x', action: 'health_status: healthy' });
    await h.inventory.details('x');
    expect(h.inspects()).toBe(1);
    h.events().onEvent({ id: 'x', action: 'update' });
    await h.inventory.details('x');
    expect(h.inspects()).toBe(2);
  });

  it('does not cache an answer an event overtook while it was in flight', async () => {
    const h = harness();
    h.events().onOpen();
    h.answers.set('x', details('x'));
    const release = h.hold();
    const pending = h.inventory.details('x');
    h.events().onEvent({ id: 'x', action: 'rename' });
    release();
    await pending;
    await h.inventory.details('x');
    expect(h.inspects()).toBe(2);
  });

  it('forgets everything when the stream is lost, and follows it again', async () => {
    const h = harness();
    h.events().onOpen();
    h.answers.set('x', details('x'));
    await h.inventory.details('x');
    h.events().onLost('gone');
    expect(h.inventory.stats()).toMatchObject({ live: false, cached: 0 });
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(h.follows()).toBe(2);
    await h.inventory.details('x');
    expect(h.inventory.stats().cached).toBe(0);
  });

  it('reconciles with a list: gone, renamed, stopped, re-imaged or relabelled entries are dropped', async () => {
    const h = harness();
    h.events().onOpen();
    for (const id of ['same', 'gone', 'renamed', 'stopped', 'reimaged', 'relabelled'])
      h.answers.set(id, details(id));
    for (const id of h.answers.keys()) await h.inventory.details(id);
    h.inventory.reconcile([
      summary('same'),
      summary('renamed', { name: 'other' }),
      summary('stopped', { state: 'exited' }),
      summary('reimaged', { imageId: 'sha256:new' }),
      summary('relabelled', { labels: { a: '2' } }),
    ]);
    expect(h.inventory.stats().cached).toBe(1);
  });

  it('hands out copies: a caller changing its details never changes the cache', async () => {
    const h = harness();
    h.events().onOpen();
    h.answers.set('x', details('x'));
    const first = await h.inventory.details('x');
    first!.config.Labels!.a = 'changed';
    expect((await h.inventory.details('x'))?.config.Labels?.a).toBe('1');
  });
});

describe('engine events', () => {
  it.each([
    [
      { Type: 'container', Action: 'start', Actor: { ID: 'c1' } },
      { id: 'c1', action: 'start' },
    ],
    [
      { Type: 'network', Action: 'connect', Actor: { ID: 'n1', Attributes: { container: 'c1' } } },
      { id: 'c1', action: 'connect' },
    ],
    [{ Type: 'network', Action: 'create', Actor: { ID: 'n1', Attributes: {} } }, undefined],
    [{ Type: 'image', Action: 'pull', Actor: { ID: 'busybox' } }, undefined],
    ['not an event', undefined],
  ])('%j is %j', (raw, expected) => {
    expect(toContainerEvent(raw)).toEqual(expected);
  });

  it.each([
    ['start', true],
    ['rename', true],
    ['destroy', true],
    ['update', true],
    ['disconnect', true],
    ['exec_die', false],
    ['health_status: unhealthy', false],
    ['attach', false],
  ])('%s changes details: %s', (action, expected) => {
    expect(changesDetails(action)).toBe(expected);
  });
});
