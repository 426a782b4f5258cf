import { describe, expect, it } from 'vitest';
import { healthzUrl } from '../../src/cli/healthcheck-command.js';
import type { ContainerDetails } from '../../src/domain/index.js';
import { overlapBlocker, successorSpec } from '../../src/self-update/index.js';

const ID = 'abcdef0123456789'.repeat(4);

function self(overrides: Partial<ContainerDetails> = {}): ContainerDetails {
  return {
    id: ID,
    name: 'tidewatch',
    state: 'running',
    restartCount: 0,
    imageId: 'sha256:old',
    config: {
      Hostname: ID.slice(0, 12),
      Image: 'ghcr.io/acme/tidewatch:latest',
      Env: ['TIDEWATCH_INTERVAL=1h', 'TIDEWATCH_SUCCESSOR_OF=older'],
    },
    hostConfig: { NetworkMode: 'host', Binds: ['/var/run/docker.sock:/var/run/docker.sock', 'data:/data'] },
    mounts: [],
    networks: {},
    ...overrides,
  };
}

describe('successorSpec', () => {
  it('keeps the settings and the data volume, takes a temporary name, and names its predecessor once', () => {
    const spec = successorSpec(self(), { Env: [] }, '1.41', 36 ** 3);
    expect(spec.name).toBe('tidewatch-successor-1000');
    expect(spec.config.Image).toBe('ghcr.io/acme/tidewatch:latest');
    expect(spec.config.Env).toEqual(['TIDEWATCH_INTERVAL=1h', `TIDEWATCH_SUCCESSOR_OF=${ID}`]);
    expect(spec.hostConfig.Binds).toEqual(['/var/run/docker.sock:/var/run/docker.sock', 'data:/data']);
    // A default hostname is the old container's short id: the successor gets its own.
    expect(spec.config.Hostname).toBeUndefined();
  });
});

describe('overlapBlocker', () => {
  it.each([
    [{ NetworkMode: 'host' }, false],
    [{ NetworkMode: 'bridge', PortBindings: { '8080/tcp': null } }, false],
    [{ NetworkMode: 'bridge', PortBindings: { '8080/tcp': [] } }, false],
    [{ NetworkMode: 'bridge', PortBindings: { '8080/tcp': [{ HostIp: '', HostPort: '8080' }] } }, true],
  ])('%j blocks: %s', (hostConfig, blocked) => {
    expect(overlapBlocker(self({ hostConfig })) !== undefined).toBe(blocked);
  });
});

describe('healthzUrl', () => {
  it.each([
    ['0.0.0.0:8080', 'http://127.0.0.1:8080/healthz'],
    [':8080', 'http://127.0.0.1:8080/healthz'],
    ['127.0.0.1:9000', 'http://127.0.0.1:9000/healthz'],
    ['[::]:8080', 'http://[::1]:8080/healthz'],
    ['[::1]:8080', 'http://[::1]:8080/healthz'],
    ['localhost:8080', 'http://localhost:8080/healthz'],
  ])('%s → %s', (addr, url) => {
    expect(healthzUrl(addr)).toBe(url);
  });

  it('has nothing to probe when the API is off', () => {
    expect(healthzUrl('off')).toBeUndefined();
  });
});
