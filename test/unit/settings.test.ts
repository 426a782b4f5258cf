import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDuration, loadSettings, parseDurationMs } from '../../src/config/index.js';

describe('durations', () => {
  it.each([
    ['30', 30_000],
    ['30s', 30_000],
    ['500ms', 500],
    ['5m', 300_000],
    ['1h30m', 5_400_000],
    ['2d', 172_800_000],
    ['1.5s', 1500],
  ])('%s is %d ms', (text, ms) => expect(parseDurationMs(text)).toBe(ms));
  it.each(['', 'abc', '5x', '-1s', '1 h'])('%j is not a duration', (text) => {
    expect(parseDurationMs(text)).toBeUndefined();
  });
  it('formats', () => expect(formatDuration(5_400_000)).toBe('1h30m'));
});

describe('loadSettings', () => {
  it('has Watchtower-like defaults', () => {
    const settings = loadSettings({}, {});
    expect(settings.intervalMs).toBe(86_400_000);
    expect(settings.stopTimeoutMs).toBe(10_000);
    expect(settings.cleanup).toBe(false);
    expect(Object.isFrozen(settings)).toBe(true);
  });

  it('reads Watchtower environment variables', () => {
    const settings = loadSettings(
      {},
      {
        WATCHTOWER_POLL_INTERVAL: '300',
        WATCHTOWER_CLEANUP: 'true',
        WATCHTOWER_LABEL_ENABLE: '1',
        WATCHTOWER_MONITOR_ONLY: 'true',
        WATCHTOWER_SCOPE: 'prod',
        WATCHTOWER_TIMEOUT: '30s',
        WATCHTOWER_INCLUDE_STOPPED: 'true',
        WATCHTOWER_REVIVE_STOPPED: 'true',
        WATCHTOWER_NO_PULL: 'true',
        WATCHTOWER_DISABLE_CONTAINERS: 'a,b c',
        DOCKER_HOST: 'tcp://127.0.0.1:2375',
      },
    );
    expect(settings).toMatchObject({
      intervalMs: 300_000,
      cleanup: true,
      labelEnable: true,
      monitorOnly: true,
      scope: 'prod',
      stopTimeoutMs: 30_000,
      includeStopped: true,
      reviveStopped: true,
      noPull: true,
      disableContainers: ['a', 'b', 'c'],
      host: 'tcp://127.0.0.1:2375',
    });
  });

  it('prefers flags over Tidewatch env over Watchtower env', () => {
    const env = { TIDEWATCH_INTERVAL: '10m', WATCHTOWER_POLL_INTERVAL: '60' };
    expect(loadSettings({}, env).intervalMs).toBe(600_000);
    expect(loadSettings({ interval: '2h' }, env).intervalMs).toBe(7_200_000);
  });

  it('reads secrets from *_FILE', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tw-settings-'));
    writeFileSync(join(dir, 'pass'), 's3cret\n');
    const settings = loadSettings({}, { REPO_USER: 'me', REPO_PASS_FILE: join(dir, 'pass') });
    expect(settings.repoPass).toBe('s3cret');
  });

  it.each([
    [{}, { WATCHTOWER_POLL_INTERVAL: 'often' }, 'WATCHTOWER_POLL_INTERVAL: expected a duration'],
    [{}, { WATCHTOWER_CLEANUP: 'maybe' }, 'WATCHTOWER_CLEANUP: expected true or false, got "maybe"'],
    [{}, { TIDEWATCH_LOG_LEVEL: 'loud' }, 'TIDEWATCH_LOG_LEVEL: expected trace'],
    [{ schedule: '0 * * * *' }, {}, '--schedule: "0 * * * *" has 5 fields'],
    [{ schedule: '0 0 4 * * *', interval: '1h' }, {}, 'either --interval or --schedule'],
    [{ schedule: '0 0 99 * * *' }, {}, 'is not a cron expression'],
    [{}, { REPO_USER: 'me' }, 'REPO_USER is set but REPO_PASS is not'],
    [{}, { REPO_PASS_FILE: '/nonexistent/tw' }, 'REPO_PASS_FILE: cannot read /nonexistent/tw'],
  ])('rejects %j %j with one line', (flags, env, message) => {
    expect(() => loadSettings(flags, env)).toThrow(message);
  });

  it('accepts a 6-field schedule', () => {
    expect(loadSettings({}, { WATCHTOWER_SCHEDULE: '0 0 4 * * *' }).schedule).toBe('0 0 4 * * *');
  });

  describe('safe-update settings', () => {
    it('defaults: 2m for a healthcheck, 10s without one, stop-first, 2s drain, 2 images, no data dir', () => {
      expect(loadSettings({}, {})).toMatchObject({
        verifyTimeoutMs: 120_000,
        verifyWindowMs: 10_000,
        strategy: 'stop-first',
        drainMs: 2000,
        keepImages: 2,
      });
      // Resolved when the store is opened (main.ts), from the user and whether this is a container.
      expect(loadSettings({}, {}).dataDir).toBeUndefined();
    });

    it.each([
      [{ verifyTimeout: '45s' }, {}, { verifyTimeoutMs: 45_000 }],
      [{}, { TIDEWATCH_VERIFY_TIMEOUT: '5m' }, { verifyTimeoutMs: 300_000 }],
      [{ verifyWindow: '30' }, {}, { verifyWindowMs: 30_000 }],
      [{}, { TIDEWATCH_VERIFY_WINDOW: '1m' }, { verifyWindowMs: 60_000 }],
      [{ strategy: 'start-first' }, {}, { strategy: 'start-first' }],
      [{}, { TIDEWATCH_STRATEGY: 'auto' }, { strategy: 'auto' }],
      [{ drain: '10s' }, {}, { drainMs: 10_000 }],
      [{}, { TIDEWATCH_DRAIN: '0' }, { drainMs: 0 }],
      [{ keepImages: '5' }, {}, { keepImages: 5 }],
      [{}, { TIDEWATCH_KEEP_IMAGES: '0' }, { keepImages: 0 }],
      [{ dataDir: '/srv/tidewatch' }, {}, { dataDir: '/srv/tidewatch' }],
      [{}, { TIDEWATCH_DATA_DIR: 'state' }, { dataDir: 'state' }],
      [{ keepImages: '3' }, { TIDEWATCH_KEEP_IMAGES: '1' }, { keepImages: 3 }],
    ])('reads %j %j', (flags, env, expected) => {
      expect(loadSettings(flags, env)).toMatchObject(expected);
    });

    it.each([
      [
        { verifyTimeout: '0' },
        {},
        '--verify-timeout: expected a duration such as 30, 30s, 5m or 1h, got "0"',
      ],
      [{}, { TIDEWATCH_VERIFY_WINDOW: 'long' }, 'TIDEWATCH_VERIFY_WINDOW: expected a duration'],
      [{ drain: 'a bit' }, {}, '--drain: expected a duration such as 0, 2s or 1m, got "a bit"'],
      [{ strategy: 'rolling' }, {}, '--strategy: must be one of stop-first, start-first, auto; got rolling'],
      [
        {},
        { TIDEWATCH_STRATEGY: 'STOPFIRST' },
        'TIDEWATCH_STRATEGY: must be one of stop-first, start-first, auto; got STOPFIRST',
      ],
      [{ keepImages: '-1' }, {}, '--keep-images: expected a whole number, 0 or more, got "-1"'],
      [{ keepImages: '1.5' }, {}, '--keep-images: expected a whole number, 0 or more, got "1.5"'],
      [
        {},
        { TIDEWATCH_KEEP_IMAGES: 'all' },
        'TIDEWATCH_KEEP_IMAGES: expected a whole number, 0 or more, got "all"',
      ],
    ])('rejects %j %j with one line naming it', (flags, env, message) => {
      expect(() => loadSettings(flags, env)).toThrow(message);
      expect(() => loadSettings(flags, env)).toThrow(expect.objectContaining({ code: 'invalid-config' }));
    });
  });
});

describe('pull and shutdown timeouts', () => {
  it('default: a pull may be quiet for 5m, a shutdown waits 8s', () => {
    expect(loadSettings({}, {})).toMatchObject({ pullTimeoutMs: 300_000, shutdownTimeoutMs: 8000 });
  });

  it.each([
    [{ pullTimeout: '2s' }, {}, { pullTimeoutMs: 2000 }],
    [{}, { TIDEWATCH_PULL_TIMEOUT: '10m' }, { pullTimeoutMs: 600_000 }],
    // 0: no limit, as a pull of a huge image over a slow link may want.
    [{ pullTimeout: '0' }, {}, { pullTimeoutMs: 0 }],
    [{ pullTimeout: '30s' }, { TIDEWATCH_PULL_TIMEOUT: '1m' }, { pullTimeoutMs: 30_000 }],
    [{ shutdownTimeout: '20s' }, {}, { shutdownTimeoutMs: 20_000 }],
    [{}, { TIDEWATCH_SHUTDOWN_TIMEOUT: '1m' }, { shutdownTimeoutMs: 60_000 }],
  ])('reads %j %j', (flags, env, expected) => {
    expect(loadSettings(flags, env)).toMatchObject(expected);
  });

  it.each([
    [
      { pullTimeout: 'forever' },
      {},
      '--pull-timeout: expected a duration such as 0, 2s or 1m, got "forever"',
    ],
    [{}, { TIDEWATCH_PULL_TIMEOUT: '-1s' }, 'TIDEWATCH_PULL_TIMEOUT: expected a duration'],
    [
      { shutdownTimeout: '0' },
      {},
      '--shutdown-timeout: expected a duration such as 30, 30s, 5m or 1h, got "0"',
    ],
    [{}, { TIDEWATCH_SHUTDOWN_TIMEOUT: 'soon' }, 'TIDEWATCH_SHUTDOWN_TIMEOUT: expected a duration'],
  ])('rejects %j %j with one line naming it', (flags, env, message) => {
    expect(() => loadSettings(flags, env)).toThrow(message);
  });
});

describe('--signature-identity (a list whose entries may hold commas and spaces)', () => {
  const first =
    'issuer=https://token.actions.githubusercontent.com,subject=^https://github.com/org/[a-z]{1,3}/';
  const second = 'issuer=https://accounts.google.com,subject=^ops team@example\\.com$';

  it('takes one entry per repeated flag, whole', () => {
    expect(loadSettings({ signatureIdentities: [first, second] }, {}).signatureIdentities).toEqual([
      first,
      second,
    ]);
  });

  it('takes one entry per line of the variable, trimmed, blank lines skipped', () => {
    const env = { TIDEWATCH_SIGNATURE_IDENTITY: `\n  ${first}\r\n\n${second}  \n` };
    expect(loadSettings({}, env).signatureIdentities).toEqual([first, second]);
  });
});
