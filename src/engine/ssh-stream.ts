import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import http from 'node:http';
import type { Socket } from 'node:net';
import { Duplex } from 'node:stream';
import type { EngineConnection } from './connection.js';

type SshConnection = Extract<EngineConnection, { kind: 'ssh' }>;

/**
 * An `ssh://` engine is reached the way the docker CLI reaches it (cli/connhelper): the `ssh`
 * binary runs `docker system dial-stdio` on the remote, and its stdin/stdout carry the Engine API.
 * Using the user's own ssh client (rather than dockerode's built-in ssh2 client) means
 * ~/.ssh/config (Host aliases, IdentityFile, ProxyJump), known_hosts checking, ssh-agent and the
 * default keys all apply exactly as for `docker -H ssh://...`; ssh2 in docker-modem checks no host
 * key at all, reads no config and opens one ssh connection per request. The cost: an `ssh` client
 * where Tidewatch runs, and the docker CLI on the remote (which the docker CLI needs too).
 */
export function sshArgs(connection: SshConnection): string[] {
  return [
    // A daemon has no terminal to type a password or passphrase into: fail instead of waiting.
    '-o',
    'BatchMode=yes',
    '-o',
    'ConnectTimeout=30',
    '-T',
    ...(connection.user !== undefined ? ['-l', connection.user] : []),
    ...(connection.port !== undefined ? ['-p', String(connection.port)] : []),
    '--',
    connection.host,
    'docker',
    'system',
    'dial-stdio',
  ];
}

/** The last line ssh (or the remote shell) wrote to stderr: the cause, in ssh's own words. */
function lastLine(stderr: string): string | undefined {
  return stderr
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('Warning: Permanently added'))
    .at(-1);
}

/**
 * One engine connection over one `ssh` process, shaped enough like a net.Socket for node's HTTP
 * client and agent (timeouts, keep-alive, ref/unref). When ssh fails, the stream fails with what
 * ssh said, so "Permission denied (publickey)" or "Connection refused" reaches the user.
 */
class SshStream extends Duplex {
  private readonly child: ChildProcessWithoutNullStreams;
  private stderr = '';
  private timeoutMs = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly connection: SshConnection) {
    super();
    this.child = spawn('ssh', sshArgs(connection), { stdio: ['pipe', 'pipe', 'pipe'] });
    const { child } = this;
    child.stdout.on('data', (chunk: Buffer) => {
      this.touch();
      if (!this.push(chunk)) child.stdout.pause();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      // Only the tail is ever reported; a chatty remote must not grow memory.
      this.stderr = (this.stderr + chunk.toString()).slice(-4096);
    });
    // A write after ssh exited: the exit (below) says why, with a better message than EPIPE.
    child.stdin.on('error', () => undefined);
    child.on('error', (error) => this.destroy(new Error(`cannot run ssh: ${error.message}`)));
    child.on('close', (code, signal) => {
      if (this.destroyed) return;
      if (code === 0) {
        this.push(null);
        return;
      }
      const why = lastLine(this.stderr) ?? `ssh ended by ${signal ?? 'an unknown cause'}`;
      const exit = code === null ? '' : ` (ssh exit ${code})`;
      this.destroy(new Error(`${why}${exit}`));
    });
  }

  override _read(): void {
    this.child.stdout.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    this.touch();
    this.child.stdin.write(chunk, () => done());
  }

  override _final(done: (error?: Error | null) => void): void {
    this.child.stdin.end(() => done());
  }

  override _destroy(error: Error | null, done: (error?: Error | null) => void): void {
    this.clearTimer();
    if (this.child.exitCode === null) this.child.kill();
    done(error);
  }

  // --- what node's HTTP client and agent call on a socket ---

  setTimeout(ms: number, listener?: () => void): this {
    this.timeoutMs = ms;
    if (listener !== undefined) this.once('timeout', listener);
    this.touch();
    return this;
  }

  setKeepAlive(): this {
    return this;
  }

  setNoDelay(): this {
    return this;
  }

  ref(): this {
    this.child.ref();
    for (const pipe of [this.child.stdin, this.child.stdout, this.child.stderr])
      (pipe as unknown as Socket).ref();
    return this;
  }

  unref(): this {
    // An idle kept-alive connection must not keep a finished CLI run alive.
    this.child.unref();
    for (const pipe of [this.child.stdin, this.child.stdout, this.child.stderr])
      (pipe as unknown as Socket).unref();
    return this;
  }

  override toString(): string {
    return this.connection.display;
  }

  private touch(): void {
    this.clearTimer();
    if (this.timeoutMs > 0) this.timer = setTimeout(() => this.emit('timeout'), this.timeoutMs);
  }

  private clearTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

/** Opens one engine connection over ssh: for a single request (the API version ping). */
export function openSshStream(connection: SshConnection): Duplex {
  return new SshStream(connection);
}

/**
 * An HTTP agent whose connections are ssh processes. Kept alive, so one ssh handshake serves many
 * requests; each concurrent request (the event stream, a pull) has its own ssh process.
 */
export function sshAgent(connection: SshConnection): http.Agent {
  const agent = new http.Agent({ keepAlive: true, maxFreeSockets: 2 });
  // node's types want a net.Socket; the HTTP client uses only what SshStream provides.
  agent.createConnection = (): Socket => openSshStream(connection) as unknown as Socket;
  return agent;
}
