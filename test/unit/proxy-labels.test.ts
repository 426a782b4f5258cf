import { describe, expect, it } from 'vitest';
import { readContainerLabels, readProxyLabels } from '../../src/config/index.js';
import { updateSettingsFor } from '../../src/updater/update-settings.js';
import { loadSettings } from '../../src/config/index.js';

describe('tidewatch.proxy labels', () => {
  it.each([
    [{}, undefined],
    [
      {
        'tidewatch.proxy': 'nginx',
        'tidewatch.proxy.port': '80',
        'tidewatch.proxy.upstream': '/etc/nginx/up.conf',
      },
      {
        driver: 'nginx',
        port: 80,
        network: undefined,
        upstreamFile: '/etc/nginx/up.conf',
        reload: 'nginx -s reload',
        reloadIn: undefined,
      },
    ],
    [
      {
        'tidewatch.proxy': 'Caddy',
        'tidewatch.proxy.port': '8080',
        'tidewatch.proxy.upstream': 'app',
        'tidewatch.proxy.network': 'web',
      },
      { driver: 'caddy', port: 8080, network: 'web', admin: 'http://127.0.0.1:2019', handlerId: 'app' },
    ],
    [
      {
        'tidewatch.proxy': 'haproxy',
        'tidewatch.proxy.port': '80',
        'tidewatch.proxy.admin': 'tcp:127.0.0.1:9999',
        'tidewatch.proxy.upstream': 'be/web',
      },
      {
        driver: 'haproxy',
        port: 80,
        network: undefined,
        admin: 'tcp:127.0.0.1:9999',
        backend: 'be',
        server: 'web',
      },
    ],
    [
      { 'tidewatch.proxy': 'command', 'tidewatch.proxy.port': '80', 'tidewatch.proxy.command': 'switch.sh' },
      { driver: 'command', port: 80, network: undefined, command: 'switch.sh' },
    ],
  ])('%j reads as %j', (labels, expected) => {
    expect(readProxyLabels(labels)).toEqual(expected);
  });

  it.each([
    [
      { 'tidewatch.proxy': 'traefik' },
      'label tidewatch.proxy="traefik" must be one of nginx, caddy, haproxy, command',
    ],
    [
      { 'tidewatch.proxy': 'nginx' },
      'label tidewatch.proxy.port is needed with tidewatch.proxy=nginx (for example 80)',
    ],
    [
      { 'tidewatch.proxy': 'nginx', 'tidewatch.proxy.port': '99999' },
      'label tidewatch.proxy.port="99999" must be a port, 1 to 65535',
    ],
    [
      { 'tidewatch.proxy': 'nginx', 'tidewatch.proxy.port': '80' },
      'label tidewatch.proxy.upstream is needed with tidewatch.proxy=nginx (for example /etc/nginx/upstreams/app.conf)',
    ],
    [
      {
        'tidewatch.proxy': 'haproxy',
        'tidewatch.proxy.port': '80',
        'tidewatch.proxy.admin': '/run/h.sock',
        'tidewatch.proxy.upstream': 'a/b',
      },
      'label tidewatch.proxy.admin="/run/h.sock" must be unix:/path/to/socket or tcp:host:port',
    ],
    [
      {
        'tidewatch.proxy': 'haproxy',
        'tidewatch.proxy.port': '80',
        'tidewatch.proxy.admin': 'unix:/run/h.sock',
        'tidewatch.proxy.upstream': 'web',
      },
      'label tidewatch.proxy.upstream="web" must be BACKEND/SERVER',
    ],
    [
      {
        'tidewatch.proxy': 'caddy',
        'tidewatch.proxy.port': '80',
        'tidewatch.proxy.upstream': 'a',
        'tidewatch.proxy.admin': 'localhost:2019',
      },
      'label tidewatch.proxy.admin="localhost:2019" must be the admin API as http://host:port',
    ],
  ])('%j is refused in one line', (labels, message) => {
    expect(() => readProxyLabels(labels)).toThrow(message);
    // At selection, as every label: the container is refused before any pull.
    expect(() => readContainerLabels(labels)).toThrow(message);
  });

  it('a proxy makes start-first the default strategy; a strategy label still wins', () => {
    const settings = loadSettings({}, {});
    const proxied = {
      'tidewatch.proxy': 'command',
      'tidewatch.proxy.port': '80',
      'tidewatch.proxy.command': 'x',
    };
    expect(updateSettingsFor(readContainerLabels(proxied), settings).strategy).toBe('start-first');
    expect(
      updateSettingsFor(readContainerLabels({ ...proxied, 'tidewatch.strategy': 'stop-first' }), settings)
        .strategy,
    ).toBe('stop-first');
    expect(updateSettingsFor(readContainerLabels({}), settings).strategy).toBe(settings.strategy);
  });
});
