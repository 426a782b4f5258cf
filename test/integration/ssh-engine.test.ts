import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAndPush, labDocker, runContainer, startSshd, uniqueName, type LabSshd } from '../lab/index.js';
import { publishUpdate } from '../support/images.js';
import { useLab } from '../support/lab.js';
import { expectExit, runCli } from '../support/tidewatch.js';

/**
 * `DOCKER_HOST=ssh://user@host:port`, end to end: a real OpenSSH server of the test's own on
 * loopback, whose sessions run `docker system dial-stdio` against the lab engine, and the real `ssh`
 * client (its config given with -F, as ~/.ssh/config would be). A check and an update go through
 * it and are read back from the engine; a refused key, a closed port and a remote without the
 * docker CLI each end in one line naming the engine and the cause.
 */
describe('an ssh:// engine', () => {
  const docker = labDocker();
  const lab = useLab();
  const dir = mkdtempSync(join(tmpdir(), 'tw-ssh-engine-'));
  let sshd: LabSshd;

  beforeAll(async () => {
    sshd = await startSshd();
  });
  afterAll(async () => {
    await sshd?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const lastLine = (stderr: string): string => stderr.trim().split('\n').at(-1) ?? '';

  it('checks and updates a container through ssh://user@127.0.0.1:port, read back from the engine', async () => {
    const image = `${lab.registry.host}/${uniqueName('ssh')}:latest`;
    await buildAndPush(image);
    const name = uniqueName('ssh');
    await runContainer(name, image);
    const { imageId: next } = await publishUpdate(image);
    const env = {
      ...sshd.clientEnv('authorized'),
      DOCKER_HOST: `ssh://${sshd.user}@127.0.0.1:${sshd.port}`,
      TIDEWATCH_STOP_TIMEOUT: '1s',
    };

    const logins = sshd.acceptedLogins();
    const check = expectExit(await runCli(['check', '--json', name], env));
    const [entry] = JSON.parse(check.stdout) as Array<Record<string, unknown>>;
    expect(entry).toMatchObject({ name, image, status: 'update-available' });
    // The engine was reached through this sshd, not some other way.
    expect(sshd.acceptedLogins()).toBeGreaterThan(logins);

    expectExit(await runCli(['once', name], env));
    const after = await docker.getContainer(name).inspect();
    expect(after.Image).toBe(next);
    expect(after.State.Running).toBe(true);
  });

  it('runs as a daemon over ssh and, stopped, leaves no ssh process behind', async () => {
    const result = await runCli(
      ['run', '--scope', uniqueName('nobody'), '--interval', '5s'],
      { ...sshd.clientEnv('authorized'), DOCKER_HOST: `ssh://${sshd.user}@127.0.0.1:${sshd.port}` },
      30_000,
      { text: 'check finished', signal: 'SIGTERM' },
    );
    expectExit(result);
    expect(result.stderr).toContain('"engineApi":"1.41"');
    // Kept-alive connections and the event stream are ssh processes: all gone with the daemon.
    const left = spawnSync('pgrep', ['-f', `ssh .*-p ${sshd.port} .*dial-stdio`], { encoding: 'utf8' });
    expect(left.stdout).toBe('');
  });

  it('honours the ssh config: a Host alias with its own HostName, Port, User and key', async () => {
    const logins = sshd.acceptedLogins();
    // Exit 1: the container asked about does not exist; the answer is the engine's.
    const result = expectExit(
      await runCli(['check', '--json', 'tw-no-such-container'], {
        ...sshd.clientEnv('authorized'),
        DOCKER_HOST: `ssh://${sshd.alias}`,
      }),
      1,
    );
    expect(JSON.parse(result.stdout)).toEqual([
      expect.objectContaining({ name: 'tw-no-such-container', reason: 'no such container' }),
    ]);
    expect(sshd.acceptedLogins()).toBeGreaterThan(logins);
  });

  it('authenticates with a key held by ssh-agent (SSH_AUTH_SOCK), no key file configured', async () => {
    const logins = sshd.acceptedLogins();
    const result = expectExit(
      await runCli(['check', '--json', 'tw-no-such-container'], {
        ...sshd.clientEnv('agent'),
        DOCKER_HOST: `ssh://${sshd.user}@127.0.0.1:${sshd.port}`,
      }),
      1,
    );
    expect(result.stdout).toContain('no such container');
    expect(sshd.acceptedLogins()).toBeGreaterThan(logins);
  });

  it('a docker context whose endpoint is ssh:// reaches the engine the same way', async () => {
    const config = join(dir, 'docker-config');
    const id = createHash('sha256').update('tw-ssh').digest('hex');
    mkdirSync(join(config, 'contexts', 'meta', id), { recursive: true });
    writeFileSync(
      join(config, 'contexts', 'meta', id, 'meta.json'),
      JSON.stringify({
        Name: 'tw-ssh',
        Metadata: {},
        Endpoints: { docker: { Host: `ssh://${sshd.user}@127.0.0.1:${sshd.port}`, SkipTLSVerify: false } },
      }),
    );
    const logins = sshd.acceptedLogins();
    const result = expectExit(
      await runCli(['check', '--json', 'tw-no-such-container'], {
        ...sshd.clientEnv('authorized'),
        DOCKER_HOST: '',
        DOCKER_CONFIG: config,
        DOCKER_CONTEXT: 'tw-ssh',
      }),
      1,
    );
    expect(result.stdout).toContain('no such container');
    expect(sshd.acceptedLogins()).toBeGreaterThan(logins);
  });

  it('a refused key is one line naming the engine and ssh’s own reason', async () => {
    const host = `ssh://${sshd.user}@127.0.0.1:${sshd.port}`;
    const result = await runCli(['check', '--json'], { ...sshd.clientEnv('refused-key'), DOCKER_HOST: host });
    expectExit(result, 1);
    expect(lastLine(result.stderr)).toMatch(
      new RegExp(
        `cannot reach the Docker engine at ${host}: .*Permission denied \\(publickey\\).* \\(ssh exit 255\\)`,
      ),
    );
  });

  it('a port nobody listens on is one line saying the connection was refused', async () => {
    // sshd's second port is open; a port just freed by the OS is not. Use one sshd is not on.
    const closed = await (async () => {
      const { createServer } = await import('node:net');
      const server = createServer();
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const address = server.address();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      return typeof address === 'object' && address !== null ? address.port : 1;
    })();
    const host = `ssh://${sshd.user}@127.0.0.1:${closed}`;
    const result = await runCli(['check', '--json'], { ...sshd.clientEnv('authorized'), DOCKER_HOST: host });
    expectExit(result, 1);
    expect(lastLine(result.stderr)).toMatch(
      new RegExp(`cannot reach the Docker engine at ${host}: .*port ${closed}: Connection refused`),
    );
  });

  it('a remote without the docker CLI is one line saying so', async () => {
    const host = `ssh://${sshd.user}@127.0.0.1:${sshd.portWithoutDocker}`;
    const result = await runCli(['check', '--json'], { ...sshd.clientEnv('authorized'), DOCKER_HOST: host });
    expectExit(result, 1);
    expect(lastLine(result.stderr)).toMatch(
      new RegExp(`cannot reach the Docker engine at ${host}: .*docker: command not found \\(ssh exit 127\\)`),
    );
  });
});
