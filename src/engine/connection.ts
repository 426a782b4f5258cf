import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { TidewatchError, describeError } from '../domain/errors.js';

/** How to reach the engine: a unix socket, TCP with optional TLS, or the `ssh` client. */
export type EngineConnection =
  | { readonly kind: 'socket'; readonly socketPath: string; readonly display: string }
  | {
      readonly kind: 'ssh';
      /** What `ssh` is given: the host as written, so ~/.ssh/config's Host aliases apply. */
      readonly host: string;
      readonly user?: string;
      readonly port?: number;
      readonly display: string;
    }
  | {
      readonly kind: 'tcp';
      readonly protocol: 'http' | 'https';
      readonly host: string;
      readonly port: number;
      readonly tls?: { readonly ca: Buffer; readonly cert: Buffer; readonly key: Buffer };
      readonly display: string;
    };

export interface ConnectionSettings {
  /** DOCKER_HOST or --host. */
  readonly host?: string | undefined;
  /** DOCKER_TLS_VERIFY: TLS with the engine's certificate verified against ca.pem. */
  readonly tlsVerify?: boolean;
  /** DOCKER_CERT_PATH: folder with ca.pem, cert.pem, key.pem (default ~/.docker). */
  readonly certPath?: string | undefined;
}

export const DEFAULT_SOCKET = '/var/run/docker.sock';

/**
 * Interprets DOCKER_HOST as the docker CLI does: `unix:///path`, `tcp://host:port` (port 2375,
 * or 2376 with TLS), TLS with verification when DOCKER_TLS_VERIFY is set, and
 * `ssh://[user@]host[:port]` (src/engine/ssh-stream.ts).
 */
export function resolveConnection(settings: ConnectionSettings): EngineConnection {
  const host = settings.host?.trim() || `unix://${DEFAULT_SOCKET}`;
  const invalid = (why: string): never => {
    throw new TidewatchError('invalid-docker-host', `DOCKER_HOST "${host}": ${why}`);
  };
  if (host.startsWith('unix://')) {
    const socketPath = host.slice('unix://'.length);
    if (socketPath === '') invalid('the socket path is empty');
    return { kind: 'socket', socketPath, display: host };
  }
  if (host.startsWith('/')) return { kind: 'socket', socketPath: host, display: `unix://${host}` };

  let url: URL;
  try {
    url = new URL(host);
  } catch {
    return invalid('expected unix:///path or tcp://host:port');
  }
  if (url.protocol === 'ssh:') return sshConnection(url, invalid);
  if (!['tcp:', 'http:', 'https:'].includes(url.protocol)) {
    invalid(`the scheme ${url.protocol} is not supported (use unix://, tcp:// or ssh://)`);
  }
  if (url.hostname === '') invalid('the host name is empty');
  const useTls = settings.tlsVerify === true || url.protocol === 'https:';
  const port = url.port !== '' ? Number(url.port) : useTls ? 2376 : 2375;
  const hostname = url.hostname.replace(/^\[|\]$/g, '');
  const display = `tcp://${url.host}`;
  if (!useTls) return { kind: 'tcp', protocol: 'http', host: hostname, port, display };
  return {
    kind: 'tcp',
    protocol: 'https',
    host: hostname,
    port,
    tls: readTlsFiles(settings.certPath),
    display,
  };
}

/** The checks of the docker CLI's ssh spec (cli/connhelper/ssh): what it refuses, we refuse. */
function sshConnection(url: URL, invalid: (why: string) => never): EngineConnection {
  if (url.hostname === '') invalid('the host name is empty');
  if (url.password !== '') invalid('a password in the URL is not supported (use a key or ssh-agent)');
  if (url.pathname !== '' && url.pathname !== '/') invalid(`extra path after the host: ${url.pathname}`);
  if (url.search !== '' || url.hash !== '') invalid('a query or fragment is not supported');
  const user = url.username !== '' ? decodeURIComponent(url.username) : undefined;
  const port = url.port !== '' ? Number(url.port) : undefined;
  // The display keeps the user and port: an ssh error is only useful with both.
  const display = `ssh://${user !== undefined ? `${user}@` : ''}${url.host}`;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return {
    kind: 'ssh',
    host,
    display,
    ...(user !== undefined ? { user } : {}),
    ...(port !== undefined ? { port } : {}),
  };
}

function readTlsFiles(certPath: string | undefined): { ca: Buffer; cert: Buffer; key: Buffer } {
  const dir = certPath?.trim() || join(homedir(), '.docker');
  const read = (file: string): Buffer => {
    try {
      return readFileSync(join(dir, file));
    } catch (error) {
      throw new TidewatchError(
        'invalid-docker-host',
        `DOCKER_CERT_PATH: cannot read ${join(dir, file)}: ${describeError(error)}`,
        { cause: error },
      );
    }
  };
  return { ca: read('ca.pem'), cert: read('cert.pem'), key: read('key.pem') };
}
