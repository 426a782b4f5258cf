import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  assertEngine,
  buildAndPush,
  cleanupLab,
  labDocker,
  runContainer,
  startRegistry,
  uniqueName,
  type LabRegistry,
} from '../lab/index.js';
import { publishUpdate } from '../support/images.js';
import { expectExit, runCli } from '../support/tidewatch.js';

const USER = 'cfg-user';
const PASS = 'cfg-pass-4242';

describe('the configuration file, through the CLI', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tidewatch-config-'));
  // No ~/.docker/config.json of whoever runs the tests: the file's registries are the only logins.
  const env = { DOCKER_CONFIG: join(dir, 'docker') };
  let registry: LabRegistry;

  beforeAll(async () => {
    await assertEngine();
    registry = await startRegistry({ htpasswd: { username: USER, password: PASS } });
  });
  afterAll(async () => {
    await cleanupLab();
    await registry.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const write = (name: string, text: string): string => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it('config check names the file, line, column and key in one line, exit 2', async () => {
    const path = write(
      'bad.yml',
      'interval: 5m\nnotificationUrls:\n  - ntfy://ntfy.example.com/a\n  - not a url\n',
    );
    const result = await runCli(['config', 'check', '--config', path], env);
    expectExit(result, 2);
    expect(result.stderr).toBe(`tidewatch: config ${path}:4:5: notificationUrls[1]: not a URL\n`);
    expect(result.stdout).toBe('');

    const unknown = write('unknown.yml', 'interval: 5m\n\nlabel-enable: true\n');
    const viaEnv = await runCli(['config', 'check'], { ...env, TIDEWATCH_CONFIG: unknown });
    expectExit(viaEnv, 2);
    expect(viaEnv.stderr).toBe(
      `tidewatch: config ${unknown}:3:1: label-enable: unknown key (did you mean labelEnable?)\n`,
    );
  });

  it('config check prints OK for a good file, exit 0', async () => {
    const path = write('good.yml', 'interval: 5m\nlabelEnable: true\n');
    const result = await runCli(['config', 'check', '--config', path], env);
    expect(result).toMatchObject({ code: 0, stdout: `OK ${path}; engine unix:///var/run/docker.sock\n` });
  });

  it('config check validates the engine address as run would, without connecting', async () => {
    const bad = await runCli(['config', 'check', '--host', 'foo://bar'], env);
    expectExit(bad, 2);
    expect(bad.stderr).toBe(
      'tidewatch: DOCKER_HOST "foo://bar": the scheme foo: is not supported (use unix://, tcp:// or ssh://)\n',
    );
    // An address nothing listens on is still a valid address: config check does not connect.
    const good = await runCli(['config', 'check', '--host', 'tcp://127.0.0.1:1'], env);
    expect(good).toMatchObject({ code: 0, stdout: 'OK (no config file); engine tcp://127.0.0.1:1\n' });
  });

  it('config print shows every layer merged, secrets redacted', async () => {
    write('token', 'api-token-secret-1\n');
    const path = write(
      'print.yml',
      [
        'interval: 5m',
        'scope: from-file',
        'cleanup: true',
        'apiTokenFile: token',
        'webhookSecret: webhook-secret-1',
        'notificationUrls:',
        '  - gotify://gotify.example.com/Agotifytoken1',
        'registries:',
        '  - { host: ghcr.io, username: me, password: ghcr-secret-1 }',
      ].join('\n'),
    );
    const result = await runCli(['config', 'print', '--config', path, '--interval', '1h'], {
      ...env,
      TIDEWATCH_SCOPE: 'from-env',
    });
    expectExit(result);
    for (const secret of ['api-token-secret-1', 'webhook-secret-1', 'Agotifytoken1', 'ghcr-secret-1']) {
      expect(result.stdout).not.toContain(secret);
    }
    const printed = parse(result.stdout) as Record<string, unknown>;
    expect(printed).toMatchObject({
      interval: '1h', // the flag
      scope: 'from-env', // the environment
      cleanup: true, // the file
      stopTimeout: '10s', // the default
      apiToken: '***',
      webhookSecret: '***',
      registries: [{ host: 'ghcr.io', username: 'me', password: '***' }],
    });
    expect(printed.notificationUrls).toEqual([expect.stringMatching(/^gotify:\/\/gotify\.example\.com\//)]);
  });

  it('drives a once run: its registry login lets Tidewatch check and pull from a registry that needs one', async () => {
    const name = uniqueName('config-once');
    const image = `${registry.host}/${uniqueName('config')}:latest`;
    await buildAndPush(image, {}, registry.auth);
    const first = await runContainer(name, image);
    const firstImage = (await first.inspect()).Image;
    await publishUpdate(image, {}, registry.auth);
    write('password', `${PASS}\n`);

    // Without the login the registry refuses: the container cannot be checked, nothing changes.
    const noLogin = write('no-login.yml', 'stopTimeout: 1s\nverifyWindow: 1s\n');
    const refused = await runCli(['once', name, '--config', noLogin], env);
    expectExit(refused, 1);
    expect((await labDocker().getContainer(name).inspect()).Id).toBe(first.id);

    const path = write(
      'once.yml',
      [
        'stopTimeout: 1s',
        'verifyWindow: 1s',
        'registries:',
        `  - host: ${registry.host}`,
        `    username: ${USER}`,
        '    passwordFile: password',
      ].join('\n'),
    );
    const updated = await runCli(['once', name, '--config', path], env);
    expect(updated.code, updated.stderr).toBe(0);
    const now = await labDocker().getContainer(name).inspect();
    expect(now.Id).not.toBe(first.id);
    expect(now.Image).not.toBe(firstImage);
  });
});
