import { describe, expect, it } from 'vitest';
import type { ContainerDetails, CreateSpec, ImageDefaults } from '../../src/domain/index.js';
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

const SHORT = ID.slice(0, 12);
const MAC = '02:aa:bb:cc:dd:ee';

/** One row: the old container (fixture overrides), the API version, and the parts of the spec expected. */
interface SpecCase {
  readonly name: string;
  readonly old: Partial<ContainerDetails>;
  readonly api?: string;
  readonly config?: CreateSpec['config'];
  readonly hostConfig?: CreateSpec['hostConfig'];
  readonly primary?: CreateSpec['primaryNetwork'] | null;
  readonly extra?: CreateSpec['extraNetworks'];
}

const BASE_CONFIG = { Image: 'new:1', Env: [], Labels: {} };

const SPEC_CASES: SpecCase[] = [
  {
    name: 'drops a default hostname so the new container gets its own id',
    old: {},
    config: BASE_CONFIG,
  },
  {
    name: 'keeps an explicit hostname and domain name',
    old: { config: { Hostname: 'app', Domainname: 'example.test' } },
    config: { Hostname: 'app', Domainname: 'example.test', Image: 'new:1' },
  },
  {
    name: "drops the provider's hostname and domain name in container network mode (create refuses them)",
    old: {
      config: { Hostname: 'provider', Domainname: 'example.test', Image: 'x' },
      hostConfig: { NetworkMode: `container:${'f'.repeat(64)}` },
    },
    config: { Image: 'new:1' },
    hostConfig: { NetworkMode: `container:${'f'.repeat(64)}` },
    primary: null,
    extra: [],
  },
  {
    name: 'rewrites legacy links into create form',
    old: { hostConfig: { NetworkMode: 'default', Links: ['/db:/web/database', '/cache:/web/cache'] } },
    hostConfig: { NetworkMode: 'default', Links: ['db:database', 'cache:cache'] },
  },
  {
    name: 'mounts anonymous volumes by name and leaves named volumes and binds alone',
    old: {
      config: { Hostname: SHORT, Volumes: { '/data': {}, '/named': {} } },
      hostConfig: { Binds: ['/srv:/srv:ro', 'named:/named'] },
      mounts: [
        { Type: 'bind', Source: '/srv', Destination: '/srv' },
        { Type: 'volume', Name: 'named', Destination: '/named' },
        { Type: 'volume', Name: 'f00d', Destination: '/data' },
      ],
    },
    hostConfig: {
      Binds: ['/srv:/srv:ro', 'named:/named'],
      Mounts: [{ Type: 'volume', Source: 'f00d', Target: '/data' }],
    },
  },
  {
    name: 'names the source of an anonymous --mount volume, keeping its options',
    old: {
      hostConfig: { Mounts: [{ Type: 'volume', Target: '/anon', VolumeOptions: { NoCopy: true } }] },
      mounts: [{ Type: 'volume', Name: 'beef', Destination: '/anon' }],
    },
    hostConfig: {
      Mounts: [{ Type: 'volume', Source: 'beef', Target: '/anon', VolumeOptions: { NoCopy: true } }],
    },
  },
  {
    name: 'leaves volumes from --volumes-from to the other container (naming them would drop :ro)',
    old: {
      hostConfig: { VolumesFrom: ['provider:ro'] },
      mounts: [{ Type: 'volume', Name: 'cafe', Destination: '/shared' }],
    },
    hostConfig: { VolumesFrom: ['provider:ro'] },
  },
  {
    name: 'creates on the primary network and connects the others, with user settings only',
    old: {
      hostConfig: { NetworkMode: 'front' },
      networks: {
        front: { Aliases: [SHORT, 'web-alias'], IPAddress: '172.30.0.5', NetworkID: 'n1', MacAddress: MAC },
        back: {
          Aliases: null,
          IPAMConfig: { IPv4Address: '10.9.0.9' },
          NetworkID: 'n2',
          DriverOpts: {},
          GwPriority: 10,
        },
      },
    },
    primary: { name: 'front', endpoint: { Aliases: ['web-alias'] } },
    extra: [{ name: 'back', endpoint: { IPAMConfig: { IPv4Address: '10.9.0.9' }, GwPriority: 10 } }],
  },
  {
    name: 'finds the primary network when NetworkMode names it by id',
    old: {
      hostConfig: { NetworkMode: 'abc123' },
      networks: { front: { Aliases: ['a'], NetworkID: 'abc123def' }, back: { NetworkID: 'fff' } },
    },
    primary: { name: 'front', endpoint: { Aliases: ['a'] } },
    extra: [{ name: 'back', endpoint: {} }],
  },
  {
    name: 'uses bridge for the default network mode',
    old: { networks: { bridge: { IPAddress: '172.17.0.2', MacAddress: '02:42:ac:11:00:02' } } },
    primary: { name: 'bridge', endpoint: {} },
    extra: [],
  },
  {
    name: 'creates host and none mode containers without endpoints',
    old: { hostConfig: { NetworkMode: 'host' }, networks: { host: {} } },
    primary: null,
    extra: [],
  },
  {
    name: 'API < 1.44: keeps a user MAC in Config.MacAddress, where create reads it',
    old: { config: { Hostname: SHORT, MacAddress: MAC }, networks: { bridge: { MacAddress: MAC } } },
    api: '1.41',
    config: { Image: 'new:1', MacAddress: MAC },
    primary: { name: 'bridge', endpoint: {} },
  },
  {
    name: "API 1.44-1.51: moves the user MAC to the main network's endpoint",
    old: {
      config: { Hostname: SHORT, MacAddress: MAC },
      hostConfig: { NetworkMode: 'front' },
      networks: { front: { Aliases: ['a'], MacAddress: MAC }, back: { MacAddress: '02:42:0a:00:00:09' } },
    },
    api: '1.44',
    config: { Image: 'new:1' },
    primary: { name: 'front', endpoint: { Aliases: ['a'], MacAddress: MAC } },
    extra: [{ name: 'back', endpoint: {} }],
  },
  {
    name: 'API 1.52: no Config.MacAddress, so no MAC is carried (the endpoint MAC may be generated)',
    old: { networks: { bridge: { MacAddress: MAC } } },
    api: '1.52',
    config: BASE_CONFIG,
    primary: { name: 'bridge', endpoint: {} },
  },
  {
    name: 'drops a MAC in host network mode, which has no endpoint of its own',
    old: { config: { Hostname: 'vm', MacAddress: MAC }, hostConfig: { NetworkMode: 'host' } },
    api: '1.41',
    config: { Hostname: 'vm', Image: 'new:1' },
    primary: null,
  },
];

describe('buildRecreateSpec', () => {
  it.each(SPEC_CASES)('$name', (row) => {
    const spec = buildRecreateSpec(container(row.old), {}, 'new:1', row.api ?? '1.41');
    expect(spec.name).toBe('web');
    if (row.config) expect(spec.config).toEqual(row.config);
    if (row.hostConfig) expect(spec.hostConfig).toEqual(row.hostConfig);
    if (row.primary !== undefined) expect(spec.primaryNetwork).toEqual(row.primary ?? undefined);
    if (row.extra) expect(spec.extraNetworks).toEqual(row.extra);
  });

  it('refreshes image defaults while building the spec', () => {
    const old = container({ config: { Hostname: SHORT, Env: ['PATH=/bin', 'MODE=user'], Cmd: ['serve'] } });
    const spec = buildRecreateSpec(old, { Env: ['PATH=/bin'], Cmd: ['serve'] }, 'new:1', '1.41');
    expect(spec.config).toEqual({ Image: 'new:1', Env: ['MODE=user'] });
  });

  it("drops Podman's HOSTNAME=<short id> with the default hostname, and keeps one the user set", () => {
    const podman = container({ config: { Hostname: SHORT, Env: ['container=podman', `HOSTNAME=${SHORT}`] } });
    expect(buildRecreateSpec(podman, {}, 'new:1', '1.41').config.Env).toEqual(['container=podman']);
    const user = container({ config: { Hostname: 'app', Env: ['HOSTNAME=app'] } });
    expect(buildRecreateSpec(user, {}, 'new:1', '1.41').config.Env).toEqual(['HOSTNAME=app']);
  });

  it("drops Podman's HOSTNAME=<short id> in another container's network namespace too", () => {
    const shared = container({
      config: { Hostname: 'provider', Env: [`HOSTNAME=${SHORT}`, 'A=1'] },
      hostConfig: { NetworkMode: 'container:abc' },
    });
    expect(buildRecreateSpec(shared, {}, 'new:1', '1.41').config.Env).toEqual(['A=1']);
  });

  it('creates on its own network when the mode says bridge and it is on others (Podman)', () => {
    const endpoint = { NetworkID: '', Aliases: ['web'] };
    const podman = container({
      hostConfig: { NetworkMode: 'bridge' },
      networks: { front: endpoint, back: { NetworkID: '', Aliases: ['api'] } },
    });
    const spec = buildRecreateSpec(podman, {}, 'new:1', '1.41');
    expect(spec.hostConfig.NetworkMode).toBe('front');
    expect(spec.primaryNetwork).toEqual({ name: 'front', endpoint: { Aliases: ['web'] } });
    expect(spec.extraNetworks).toEqual([{ name: 'back', endpoint: { Aliases: ['api'] } }]);
  });
});
