import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseHttpAddr } from '../../src/api/index.js';
import { loadSettings } from '../../src/config/index.js';

describe('API settings', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tw-api-config-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('serve on loopback port 8080 by default, with no token and metrics behind the token', () => {
    const settings = loadSettings({}, {});
    expect(settings).toMatchObject({ httpAddr: '127.0.0.1:8080', metricsPublic: false });
    expect(settings.apiToken).toBeUndefined();
    expect(settings.webhookSecret).toBeUndefined();
  });

  it.each(['0.0.0.0:8080', ':8080', '[::1]:9000', 'localhost:0', 'off'])('accept --http-addr %s', (addr) => {
    expect(loadSettings({ httpAddr: addr }, {}).httpAddr).toBe(addr);
  });

  it.each(['8080', '127.0.0.1', '127.0.0.1:99999', 'http://127.0.0.1:8080', '1.2.3.4:80/x', 'on'])(
    'refuse --http-addr %j, naming the flag',
    (addr) => {
      expect(() => loadSettings({ httpAddr: addr }, {})).toThrow(/--http-addr/);
    },
  );

  it('read the token from TIDEWATCH_API_TOKEN, WATCHTOWER_HTTP_API_TOKEN or a _FILE; the flag wins', () => {
    const file = join(dir, 'token');
    writeFileSync(file, 'from-file\n');
    expect(loadSettings({}, { WATCHTOWER_HTTP_API_TOKEN: 'wt' }).apiToken).toBe('wt');
    expect(loadSettings({}, { TIDEWATCH_API_TOKEN: 'tw', WATCHTOWER_HTTP_API_TOKEN: 'wt' }).apiToken).toBe(
      'tw',
    );
    expect(loadSettings({}, { TIDEWATCH_API_TOKEN_FILE: file }).apiToken).toBe('from-file');
    expect(loadSettings({ apiToken: 'flag' }, { TIDEWATCH_API_TOKEN: 'tw' }).apiToken).toBe('flag');
    expect(() => loadSettings({}, { TIDEWATCH_API_TOKEN_FILE: join(dir, 'missing') })).toThrow(
      /TIDEWATCH_API_TOKEN_FILE: cannot read/,
    );
  });

  it('read the webhook secret and --metrics-public', () => {
    const settings = loadSettings({}, { TIDEWATCH_WEBHOOK_SECRET: 'hook', TIDEWATCH_METRICS_PUBLIC: 'true' });
    expect(settings).toMatchObject({ webhookSecret: 'hook', metricsPublic: true });
  });

  it("map Watchtower's API-only mode to --api-only, which needs a token", () => {
    expect(() => loadSettings({}, { WATCHTOWER_HTTP_API_UPDATE: 'true' })).toThrow(/need an API token/);
    expect(
      loadSettings({}, { WATCHTOWER_HTTP_API_UPDATE: 'true', WATCHTOWER_HTTP_API_TOKEN: 't' }).apiOnly,
    ).toBe(true);
    expect(
      loadSettings(
        {},
        {
          WATCHTOWER_HTTP_API_UPDATE: 'true',
          WATCHTOWER_HTTP_API_PERIODIC_POLLS: 'true',
          WATCHTOWER_HTTP_API_TOKEN: 't',
        },
      ).apiOnly,
    ).toBe(false);
    expect(loadSettings({ apiOnly: true, apiToken: 't' }, {}).apiOnly).toBe(true);
    expect(
      loadSettings({}, { WATCHTOWER_HTTP_API_UPDATE: 'false', WATCHTOWER_HTTP_API_METRICS: 'true' }).apiOnly,
    ).toBe(false);
  });

  it.each([
    ['127.0.0.1:8080', { host: '127.0.0.1', port: 8080 }],
    [':8080', { host: undefined, port: 8080 }],
    ['[::1]:9000', { host: '::1', port: 9000 }],
    ['localhost:0', { host: 'localhost', port: 0 }],
  ])('split %s', (addr, parts) => {
    expect(parseHttpAddr(addr)).toEqual(parts);
  });
});
