import { describe, expect, it } from 'vitest';
import type { ContainerDetails } from '../../src/domain/index.js';
import { chooseStrategy, startFirstBlocker } from '../../src/updater/choose-strategy.js';

function container(overrides: Partial<ContainerDetails> = {}): ContainerDetails {
  return {
    id: 'a'.repeat(64),
    name: 'web',
    state: 'running',
    restartCount: 0,
    imageId: 'sha256:x',
    config: {},
    hostConfig: { NetworkMode: 'front' },
    mounts: [],
    networks: { front: { Aliases: ['web'] } },
    ...overrides,
  };
}

describe('startFirstBlocker', () => {
  it.each([
    ['nothing', container(), undefined],
    [
      'a random host port',
      container({ hostConfig: { NetworkMode: 'front', PortBindings: { '80/tcp': [{ HostPort: '' }] } } }),
      undefined,
    ],
    [
      'a fixed host port',
      container({ hostConfig: { NetworkMode: 'front', PortBindings: { '80/tcp': [{ HostPort: '8080' }] } } }),
      'it publishes 80/tcp on fixed host port 8080',
    ],
    ['host networking', container({ hostConfig: { NetworkMode: 'host' } }), 'its network mode is host'],
    [
      'a shared namespace',
      container({ hostConfig: { NetworkMode: 'container:abc' } }),
      'its network mode is container:abc',
    ],
    [
      'an anonymous volume',
      container({ mounts: [{ Type: 'volume', Name: 'f'.repeat(64), Destination: '/data' }] }),
      'it has an anonymous volume at /data',
    ],
    [
      'a named volume',
      container({ mounts: [{ Type: 'volume', Name: 'pgdata', Destination: '/data' }] }),
      undefined,
    ],
    [
      'a static IP',
      container({ networks: { front: { IPAMConfig: { IPv4Address: '10.0.0.9' } } } }),
      'it has a static IP address on front',
    ],
    ['a fixed MAC', container({ config: { MacAddress: '02:42:ac:11:00:99' } }), 'it has a fixed MAC address'],
  ])('%s', (_what, details, blocker) => {
    expect(startFirstBlocker(details, false)).toBe(blocker);
  });

  it('is blocked by dependents', () => {
    expect(startFirstBlocker(container(), true)).toContain('other containers are bound to it');
  });
});

describe('chooseStrategy', () => {
  const blocked = container({ hostConfig: { NetworkMode: 'host' } });
  it.each([
    ['stop-first', container(), { strategy: 'stop-first' }],
    ['auto', container(), { strategy: 'start-first' }],
    ['auto', blocked, { strategy: 'stop-first' }],
    ['start-first', container(), { strategy: 'start-first' }],
    [
      'start-first',
      blocked,
      { error: 'start-first cannot update web: its network mode is host; use stop-first or auto' },
    ],
  ] as const)('%s → %j', (requested, details, expected) => {
    expect(chooseStrategy(requested, details, false)).toEqual(expected);
  });
});
