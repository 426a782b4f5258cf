import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import {
  OPTIONS,
  REDACTED,
  SECRET_OPTIONS,
  effectiveConfig,
  loadConfigFile,
  loadSettings,
} from '../../src/config/index.js';

const dir = mkdtempSync(join(tmpdir(), 'tw-config-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let count = 0;
/** Writes a config file (and returns its path). */
function file(text: string): string {
  count += 1;
  const path = join(dir, `config-${count}.yml`);
  writeFileSync(path, text);
  return path;
}

function errorOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected an error');
}

writeFileSync(join(dir, 'token'), 'file-token\n');
writeFileSync(join(dir, 'ghcr-pass'), 'ghcr-secret\n');
writeFileSync(join(dir, 'slack-url'), 'slack://hook:T000-B000-XXXX@webhook\n');

const FULL = `
interval: 5m
labelEnable: true
disableContainers: [db, cache]
stopTimeout: 30
pullTimeout: 10m
shutdownTimeout: 20s
keepImages: 3
approve: true
policy: minor
logLevel: debug
apiTokenFile: token
window:
  - Sat,Sun 02:00-05:00
  - Mon-Fri 22:00-06:00
notificationUrls:
  - ntfy://ntfy.example.com/updates
  - url: gotify://gotify.example.com/Atoken123
  - urlFile: slack-url
registryLimits:
  - docker.io=2:100/6h
  - { registry: ghcr.io, concurrency: 4, requests: 30, window: 1m }
registries:
  - host: ghcr.io
    username: me
    passwordFile: ghcr-pass
  - host: registry.example.com:5000
    username: ci
    password: inline-pass
  - host: 123456789012.dkr.ecr.eu-west-1.amazonaws.com
    credHelper: ecr-login
gitopsSources:
  - url: https://git.example.com/ops/stacks.git
    branch: main
    path: hosts/web
    interval: 2m
`;

describe('the configuration file', () => {
  it('sets every kind of value, with secrets read from files next to it', () => {
    const settings = loadSettings({}, {}, loadConfigFile(file(FULL)));
    expect(settings).toMatchObject({
      intervalMs: 300_000,
      labelEnable: true,
      disableContainers: ['db', 'cache'],
      stopTimeoutMs: 30_000,
      pullTimeoutMs: 600_000,
      shutdownTimeoutMs: 20_000,
      keepImages: 3,
      approve: 1,
      policy: { kind: 'minor' },
      logLevel: 'debug',
      apiToken: 'file-token',
      notificationUrls: [
        'ntfy://ntfy.example.com/updates',
        'gotify://gotify.example.com/Atoken123',
        'slack://hook:T000-B000-XXXX@webhook',
      ],
      registryLimits: [
        { registry: 'docker.io', concurrency: 2, requests: 100, windowMs: 21_600_000 },
        { registry: 'ghcr.io', concurrency: 4, requests: 30, windowMs: 60_000 },
      ],
      registries: [
        { host: 'ghcr.io', username: 'me', password: 'ghcr-secret' },
        { host: 'registry.example.com:5000', username: 'ci', password: 'inline-pass' },
        { host: '123456789012.dkr.ecr.eu-west-1.amazonaws.com', credHelper: 'ecr-login' },
      ],
    });
    expect(settings.window?.ranges).toHaveLength(2);
    expect(settings.gitopsSources).toHaveLength(1);
    expect(settings.gitopsSources[0]).toMatchObject({
      url: 'https://git.example.com/ops/stacks.git',
      branch: 'main',
      path: 'hosts/web',
      intervalMs: 120_000,
    });
  });

  it('is read from --config, else TIDEWATCH_CONFIG', () => {
    const fromFlag = file('interval: 1h\n');
    const fromEnv = file('interval: 2h\n');
    expect(loadSettings({ config: fromFlag }, { TIDEWATCH_CONFIG: fromEnv }).intervalMs).toBe(3_600_000);
    expect(loadSettings({}, { TIDEWATCH_CONFIG: fromEnv }).intervalMs).toBe(7_200_000);
    expect(loadSettings({}, {}).configFile).toBeUndefined();
  });

  it('is below flags and env, above defaults', () => {
    const path = file('interval: 1h\ncleanup: true\nscope: from-file\nstopTimeout: 20s\n');
    const settings = loadSettings(
      { interval: '5m' },
      { TIDEWATCH_CONFIG: path, WATCHTOWER_SCOPE: 'from-env', TIDEWATCH_INTERVAL: '2h' },
    );
    expect(settings.intervalMs).toBe(300_000); // flag over env over file
    expect(settings.scope).toBe('from-env'); // env over file
    expect(settings.cleanup).toBe(true); // file over default
    expect(settings.stopTimeoutMs).toBe(20_000);
    expect(settings.verifyTimeoutMs).toBe(120_000); // default
  });

  it("lets an interval on the command line win over the file's schedule, and the reverse", () => {
    const path = file("schedule: '0 0 4 * * *'\n");
    const flagWins = loadSettings({ interval: '1m' }, { TIDEWATCH_CONFIG: path });
    expect(flagWins.schedule).toBeUndefined();
    expect(flagWins.intervalMs).toBe(60_000);
    const scheduleWins = loadSettings(
      { schedule: '0 0 5 * * *' },
      { TIDEWATCH_CONFIG: file('interval: 1h\n') },
    );
    expect(scheduleWins.schedule).toBe('0 0 5 * * *');
    expect(
      errorOf(() => loadSettings({}, { TIDEWATCH_CONFIG: file("interval: 1h\nschedule: '0 0 4 * * *'\n") })),
    ).toContain('either --interval or --schedule');
  });

  it('accepts an empty file', () => {
    expect(loadSettings({}, {}, loadConfigFile(file(''))).intervalMs).toBe(86_400_000);
  });
});

describe('configuration file errors', () => {
  it.each([
    [
      'interval: 5m\nnotificationUrls:\n  - ntfy://a/b\n  - not a url\n',
      ':4:5: notificationUrls[1]: not a URL',
    ],
    ['interval: 5m\nlabel-enable: true\n', ':2:1: label-enable: unknown key (did you mean labelEnable?)'],
    ['nonsense: 1\n', ':1:1: nonsense: unknown key'],
    ['labelEnable: yes please\n', ':1:14: labelEnable: expected true or false'],
    ['interval: soon\n', ':1:11: interval: not a duration such as 30s, 5m or 1h (a bare number is seconds)'],
    ['keepImages: 1.5\n', ':1:13: keepImages: expected a whole number'],
    ['policy: "semver:nope["\n', ':1:9: policy: "semver:nope[" has no valid semver range'],
    ["schedule: '0 * * * *'\n", ':1:11: schedule: "0 * * * *" has 5 fields'],
    ['httpAddr: nowhere\n', ':1:11: httpAddr: expected host:port'],
    ['registryLimits:\n  - docker.io=lots\n', ':2:3: registryLimits: "docker.io=lots" has a bad concurrency'],
    [
      'registries:\n  - host: ghcr.io\n    username: me\n',
      ':2:5: registries[0]: needs username and password (or passwordFile), or credHelper',
    ],
    [
      'registries:\n  - host: ghcr.io\n    username: me\n    password: a\n    passwordFile: b\n',
      ':2:5: registries[0]: set password or passwordFile, not both',
    ],
    ['registries:\n  - host: ghcr.io\n    user: me\n', ':3:5: registries[0].user: unknown key'],
    ['apiToken: a\napiTokenFile: b\n', ':2:15: apiTokenFile: set apiToken or apiTokenFile, not both'],
    ['apiTokenFile: missing-file\n', ':1:15: apiTokenFile: cannot read'],
    ['config: other.yml\n', ':1:1: config: unknown key'],
    ['- interval\n', ':1:1: expected a mapping of settings'],
    ['interval: [5m\n', ':2:1: '],
    ['interval: 1m\ninterval: 2m\n', ':2:1: Map keys must be unique'],
  ])('%j fails with one line naming the line, column and key', (text, expected) => {
    const path = file(text);
    const message = errorOf(() => loadSettings({ config: path }, {}));
    expect(message).toContain(`config ${path}${expected}`);
    expect(message).not.toContain('\n');
  });

  it('names the file when it cannot be read', () => {
    const message = errorOf(() => loadSettings({ config: join(dir, 'nope.yml') }, {}));
    expect(message).toMatch(/^config .*nope\.yml: cannot read it: ENOENT/);
  });
});

describe('the effective configuration', () => {
  it('gives the same settings when fed back as a file', () => {
    const settings = loadSettings({}, {}, loadConfigFile(file(FULL)));
    const printed = effectiveConfig(settings, { revealSecrets: true });
    const again = loadSettings({}, {}, loadConfigFile(file(JSON.stringify(printed))));
    expect(again).toEqual({ ...settings, configFile: again.configFile });
  });

  it('hides every secret', () => {
    const path = file(
      `${FULL}webhookSecret: hook-secret-1\nlegacyGotifyToken: gotify-secret-1\nlegacyEmailServerPassword: smtp-secret-1\n`,
    );
    const settings = loadSettings({}, { REPO_USER: 'u', REPO_PASS: 'repo-secret-1' }, loadConfigFile(path));
    const text = JSON.stringify(effectiveConfig(settings));
    for (const secret of [
      'file-token',
      'ghcr-secret',
      'inline-pass',
      'hook-secret-1',
      'gotify-secret-1',
      'smtp-secret-1',
      'repo-secret-1',
      'Atoken123',
      'T000-B000-XXXX',
    ]) {
      expect(text).not.toContain(secret);
    }
    expect(parse(JSON.stringify(effectiveConfig(settings)))).toMatchObject({
      apiToken: REDACTED,
      repoUser: 'u',
    });
  });

  it('lists every option that sounds like a secret as one', () => {
    const keys = OPTIONS.map((option) => option.key);
    for (const key of keys.filter((name) => /token|pass|secret|hookurl/i.test(name))) {
      expect(SECRET_OPTIONS, key).toContain(key);
    }
    for (const key of SECRET_OPTIONS) expect(keys).toContain(key);
  });
});
