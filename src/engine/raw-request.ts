import http from 'node:http';
import https from 'node:https';
import type { EngineConnection } from './connection.js';
import { openSshStream } from './ssh-stream.js';

export interface RawResponse {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

/** Most a raw answer keeps: the requests made this way (ping, a health check run) answer little. */
const BODY_LIMIT_BYTES = 64 * 1024;

/**
 * One HTTP request to the engine outside dockerode, over the same connection (socket, tcp, tls or
 * ssh): for the unversioned `/_ping` and for Podman's own `/libpod/...` paths, which dockerode
 * would prefix with the Docker API version. Rejects with the system's reason when unreachable.
 */
export function engineRequest(
  connection: EngineConnection,
  request: { readonly method: 'GET' | 'POST'; readonly path: string; readonly timeoutMs: number },
): Promise<RawResponse> {
  const options: https.RequestOptions = {
    method: request.method,
    path: request.path,
    timeout: request.timeoutMs,
  };
  let send: typeof http.request = http.request;
  if (connection.kind === 'socket') {
    options.socketPath = connection.socketPath;
  } else if (connection.kind === 'ssh') {
    // The Host header's name is not looked at by the engine; the docker CLI sends "docker" too.
    options.host = 'docker';
    options.createConnection = () => openSshStream(connection);
  } else {
    options.host = connection.host;
    options.port = connection.port;
    if (connection.protocol === 'https') {
      send = https.request;
      Object.assign(options, connection.tls);
    }
  }
  return new Promise((resolve, reject) => {
    const req = send(options, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        if (body.length < BODY_LIMIT_BYTES) body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${request.timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}
