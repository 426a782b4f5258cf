import { describe, expect, it } from 'vitest';
import type { ContainerDetails, ImageDefaults } from '../../src/domain/index.js';
import { buildRecreateSpec, withoutImageDefaults } from '../../src/updater/index.js';

const ID = '0123456789abcdef'.repeat(4);

function container(overrides: Partial<ContainerDetails> = {}): ContainerDetails {
  return {
    id: ID,
    name: 'web',
    state: 'running',
    restartCount: 0,
    imageId: 'sha256:old',
    config: { Hostname: ID.slice(0, 12), Image: 'host:5000/web:latest', Env: [], Labels: {} },
    hostConfig: { NetworkMode: 'default' },
    mounts: [],
    networks: {},
    ...overrides,
  };
}

describe('withoutImageDefaults', () => {
  const image: ImageDefaults = {
    Env: ['PATH=/bin', 'MODE=image'],
    Cmd: ['serve'],
    Entrypoint: null,
    Labels: { vendor: 'acme', version: '1' },
    WorkingDir: '/app',
    User: '',
    ExposedPorts: { '80/tcp': {} },
    Volumes: { '/data': {} },
    Healthcheck: { Test: ['CMD', 'true'] },
  };

  it('drops what came from the old image and keeps what the user set', () => {
    const result = withoutImageDefaults(
      {
        Env: ['PATH=/bin', 'MODE=user', 'EXTRA=1'],
        Cmd: ['serve'],
        Labels: { vendor: 'acme', version: '1', team: 'ops' },
        WorkingDir: '/app',
        User: 'nobody',
        ExposedPorts: { '80/tcp': {}, '9000/tcp': {} },
        Volumes: { '/data': {}, '/cache': {} },
        Healthcheck: { Test: ['CMD', 'true'] },
      },
      image,
    );
    expect(result).toEqual({
      Env: ['MODE=user', 'EXTRA=1'],
      Labels: { team: 'ops' },
      User: 'nobody',
      ExposedPorts: { '9000/tcp': {} },
      Volumes: { '/cache': {} },
    });
  });

  it('keeps a user command that differs from the image', () => {
    expect(withoutImageDefaults({ Cmd: ['other'] }, image).Cmd).toEqual(['other']);
  });

  it('treats an empty value as the default when the image sets none', () => {
    expect(withoutImageDefaults({ Entrypoint: null, WorkingDir: '' }, {})).toEqual({});
  });
});

describe('buildRecreateSpec', () => {
  it('drops a default hostname so the new container gets its own id', () => {
    const spec = buildRecreateSpec(container(), {}, 'host:5000/web:latest');
    expect(spec.config.Hostname).toBeUndefined();
    expect(spec.config.Image).toBe('host:5000/web:latest');
  });

  it('keeps an explicit hostname', () => {
    const spec = buildRecreateSpec(container({ config: { Hostname: 'app' } }), {}, 'x');
    expect(spec.config.Hostname).toBe('app');
  });

  it('rewrites legacy links into create form', () => {
    const spec = buildRecreateSpec(container({ hostConfig: { Links: ['/db:/web/database'] } }), {}, 'x');
    expect(spec.hostConfig.Links).toEqual(['db:database']);
  });

  it('carries anonymous volumes by name and leaves named and bind mounts alone', () => {
    const spec = buildRecreateSpec(
      container({
        hostConfig: { Binds: ['/srv:/srv:ro', 'named:/named'] },
        mounts: [
          { Type: 'bind', Source: '/srv', Destination: '/srv' },
          { Type: 'volume', Name: 'named', Destination: '/named' },
          { Type: 'volume', Name: 'f00d', Destination: '/data' },
        ],
      }),
      {},
      'x',
    );
    expect(spec.hostConfig.Mounts).toEqual([{ Type: 'volume', Source: 'f00d', Target: '/data' }]);
  });

  it('creates on the primary network and connects the others, with user aliases only', () => {
    const spec = buildRecreateSpec(
      container({
        hostConfig: { NetworkMode: 'front' },
        networks: {
          front: { Aliases: [ID.slice(0, 12), 'web-alias'], IPAddress: '172.30.0.5', NetworkID: 'n1' },
          back: { Aliases: null, IPAMConfig: { IPv4Address: '10.9.0.9' }, NetworkID: 'n2' },
        },
      }),
      {},
      'x',
    );
    expect(spec.primaryNetwork).toEqual({ name: 'front', endpoint: { Aliases: ['web-alias'] } });
    expect(spec.extraNetworks).toEqual([
      { name: 'back', endpoint: { IPAMConfig: { IPv4Address: '10.9.0.9' } } },
    ]);
  });

  it('uses bridge for the default network mode and nothing for host or container modes', () => {
    const bridged = buildRecreateSpec(
      container({ networks: { bridge: { IPAddress: '172.17.0.2' } } }),
      {},
      'x',
    );
    expect(bridged.primaryNetwork).toEqual({ name: 'bridge', endpoint: {} });
    const shared = buildRecreateSpec(
      container({ hostConfig: { NetworkMode: 'container:abc' }, networks: {} }),
      {},
      'x',
    );
    expect(shared.primaryNetwork).toBeUndefined();
    expect(shared.hostConfig.NetworkMode).toBe('container:abc');
  });
});
