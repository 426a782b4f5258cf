import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

const SSHD = '/usr/sbin/sshd';
const SSH = '/usr/bin/ssh';

/**
 * Which key the client offers: the authorized one from a file, the authorized one from ssh-agent
 * (no key file configured), or one the server does not know.
 */
export type SshClientSetup = 'authorized' | 'agent' | 'refused-key';

/**
 * A real OpenSSH server of the test's own on a free loopback port (never the system's sshd), with a
 * host key and an authorized key generated for it, whose shells reach the lab engine with the docker
 * CLI: what `DOCKER_HOST=ssh://user@host:port` meets on a real remote. The client side is the real
 * `ssh` too; a wrapper first on PATH adds `-F <config>` because ssh reads ~/.ssh/config from the
 * password database, not $HOME, and the tests must not touch this machine's ~/.ssh.
 */
export interface LabSshd {
  readonly port: number;
  /** Its second port, where sessions find no docker CLI on their PATH. */
  readonly portWithoutDocker: number;
  readonly user: string;
  /** A Host alias in the client config, resolving to this sshd: ~/.ssh/config at work. */
  readonly alias: string;
  /** Environment for a Tidewatch run whose ssh client is set up as `setup` says. */
  clientEnv(setup: SshClientSetup): NodeJS.ProcessEnv;
  /** How many logins the server accepted so far (from its log): proof a run went through it. */
  acceptedLogins(): number;
  stop(): Promise<void>;
}

async function waitFor(done: () => boolean, message: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(message);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function freeLoopbackPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

function keygen(file: string): string {
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'tidewatch-test', '-f', file]);
  return readFileSync(`${file}.pub`, 'utf8').trim();
}

function waitListening(child: ChildProcess, log: () => string, timeoutMs = 15_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`sshd did not start:\n${log()}`)), timeoutMs);
    child.stderr?.on('data', () => {
      if (log().includes('Server listening on')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`sshd exited ${code}:\n${log()}`));
    });
  });
}

export async function startSshd(): Promise<LabSshd> {
  if (!existsSync(SSHD)) throw new Error(`${SSHD} is missing: run scripts/lab.sh (installs openssh-server)`);
  const dir = mkdtempSync(join(tmpdir(), 'tw-sshd-'));
  const hostKey = keygen(join(dir, 'host_key'));
  writeFileSync(join(dir, 'authorized_keys'), `${keygen(join(dir, 'user_key'))}\n`);
  keygen(join(dir, 'other_key'));
  const port = await freeLoopbackPort();
  // A second port whose sessions find no docker CLI: a remote without Docker's CLI.
  const bareport = await freeLoopbackPort();
  const user = userInfo().username;
  writeFileSync(
    join(dir, 'sshd_config'),
    [
      `Port ${port}`,
      `Port ${bareport}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${join(dir, 'host_key')}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      'PubkeyAuthentication yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PermitRootLogin prohibit-password',
      'UsePAM no',
      // The temp dir's modes are not what StrictModes wants of a home directory.
      'StrictModes no',
      'PidFile none',
      `Match LocalPort ${bareport}`,
      '  SetEnv PATH=/tw-no-docker-here',
      '',
    ].join('\n'),
  );
  const alias = `tw-ssh-lab-${port}`;
  writeFileSync(
    join(dir, 'known_hosts'),
    `[127.0.0.1]:${port} ${hostKey}\n[127.0.0.1]:${bareport} ${hostKey}\n`,
  );
  const config = (key: string | undefined): string => {
    const file = join(dir, `ssh_config_${key ?? 'agent'}`);
    const common = [
      // Without a key file, only what ssh-agent holds (and ssh's default files) is offered.
      ...(key !== undefined ? [`  IdentityFile ${join(dir, key)}`, '  IdentitiesOnly yes'] : []),
      `  UserKnownHostsFile ${join(dir, 'known_hosts')}`,
      '  StrictHostKeyChecking yes',
    ];
    writeFileSync(
      file,
      [
        `Host ${alias}`,
        '  HostName 127.0.0.1',
        `  Port ${port}`,
        `  User ${user}`,
        `  HostKeyAlias [127.0.0.1]:${port}`,
      ]
        .concat(common, ['Host 127.0.0.1'], common, [''])
        .join('\n'),
    );
    return file;
  };
  const configs: Record<SshClientSetup, string> = {
    authorized: config('user_key'),
    agent: config(undefined),
    'refused-key': config('other_key'),
  };
  mkdirSync(join(dir, 'bin'));
  writeFileSync(join(dir, 'bin', 'ssh'), `#!/bin/sh\nexec ${SSH} -F "$TW_TEST_SSH_CONFIG" "$@"\n`);
  chmodSync(join(dir, 'bin', 'ssh'), 0o755);
  // sshd's privilege separation directory; Debian's package creates it only when its service starts.
  mkdirSync('/run/sshd', { recursive: true });
  const child = spawn(SSHD, ['-D', '-e', '-f', join(dir, 'sshd_config')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const agentSocket = join(dir, 'agent.sock');
  const agent = spawn('ssh-agent', ['-D', '-a', agentSocket], { stdio: 'ignore' });
  await waitFor(() => existsSync(agentSocket), 'ssh-agent did not create its socket');
  execFileSync('ssh-add', ['-q', join(dir, 'user_key')], {
    env: { ...process.env, SSH_AUTH_SOCK: agentSocket },
  });
  let log = '';
  child.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  await waitListening(child, () => log);
  return {
    port,
    portWithoutDocker: bareport,
    user,
    alias,
    clientEnv: (setup) => ({
      PATH: `${join(dir, 'bin')}:${process.env.PATH ?? '/usr/bin:/bin'}`,
      TW_TEST_SSH_CONFIG: configs[setup],
      // Only the configured key, or this agent: never an agent of whoever runs the tests.
      SSH_AUTH_SOCK: setup === 'agent' ? agentSocket : '',
    }),
    acceptedLogins: () => log.split('\n').filter((line) => line.includes('Accepted publickey')).length,
    stop: async () => {
      for (const process of [child, agent]) {
        if (process.exitCode !== null || process.signalCode !== null) continue;
        const exited = new Promise((resolve) => process.once('exit', resolve));
        process.kill();
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
