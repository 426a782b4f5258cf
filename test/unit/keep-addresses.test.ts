import { describe, expect, it } from 'vitest';
import type { ContainerDetails, CreateSpec } from '../../src/domain/index.js';
import { withAddressesKept } from '../../src/updater/keep-addresses.js';

const inUse = {
  front: { IPAddress: '10.1.0.20', GlobalIPv6Address: 'fd00::20', MacAddress: '02:aa:00:00:00:01' },
  back: { IPAddress: '10.2.0.7', GlobalIPv6Address: '', MacAddress: '02:aa:00:00:00:02' },
};
const old = { name: 'web', networks: inUse } as unknown as ContainerDetails;

function spec(
  front: CreateSpec['primaryNetwork'] = { name: 'front', endpoint: { Aliases: ['web'] } },
): CreateSpec {
  return {
    name: 'web',
    config: {},
    hostConfig: { NetworkMode: 'front' },
    primaryNetwork: front,
    extraNetworks: [{ name: 'back', endpoint: {} }],
  };
}

describe('withAddressesKept: the addresses in use, where inspect cannot say which were chosen', () => {
  it('keeps each network’s IPv4, IPv6 and MAC in its endpoint, and the endpoint’s own settings', () => {
    const kept = withAddressesKept(spec(), old);
    expect(kept.primaryNetwork).toEqual({
      name: 'front',
      endpoint: {
        Aliases: ['web'],
        IPAMConfig: { IPv4Address: '10.1.0.20', IPv6Address: 'fd00::20' },
        MacAddress: '02:aa:00:00:00:01',
      },
    });
    expect(kept.extraNetworks).toEqual([
      {
        name: 'back',
        endpoint: { IPAMConfig: { IPv4Address: '10.2.0.7' }, MacAddress: '02:aa:00:00:00:02' },
      },
    ]);
    // The MAC goes where Podman reads it, never in the config.
    expect(kept.config).toEqual({});
  });

  it('leaves addresses the spec sets as they are', () => {
    const chosen = { IPAMConfig: { IPv4Address: '10.1.0.99' }, MacAddress: '02:aa:00:00:00:99' };
    const kept = withAddressesKept(spec({ name: 'front', endpoint: chosen }), old);
    expect(kept.primaryNetwork?.endpoint).toEqual(chosen);
  });

  it('changes nothing for a network the old container was not on, or without a network', () => {
    const elsewhere = withAddressesKept(spec({ name: 'other', endpoint: {} }), old);
    expect(elsewhere.primaryNetwork).toEqual({ name: 'other', endpoint: {} });
    const none = withAddressesKept({ ...spec(), primaryNetwork: undefined, extraNetworks: [] }, old);
    expect(none.primaryNetwork).toBeUndefined();
  });
});
