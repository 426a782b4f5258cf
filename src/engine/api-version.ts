import http from 'node:http';
import https from 'node:https';
import { TidewatchError, describeError } from '../domain/errors.js';
import type { EngineConnection } from './connection.js';
import { openSshStream } from './ssh-stream.js';

/**
 * The newest Engine API version this code was written and reviewed against (Docker 29). CI runs on
 * Debian's Docker 20.10 (API 1.41). We never pin an old version: Docker 29 refuses anything below
 * 1.44, which is exactly how Watchtower broke.
 */
export const NEWEST_SUPPORTED_API = '1.52';
/** Older engines lack endpoints and fields the updater relies on. */
export const OLDEST_SUPPORTED_API = '1.40';

/** Compares `1.41` with `1.44` numerically: negative, zero or positive. */
export function compareApiVersions(a: string, b: string): number {
  const [aMajor = 0, aMinor = 0] = a.split('.').map(Number);
  const [bMajor = 0, bMinor = 0] = b.split('.').map(Number);
  return aMajor - bMajor || aMinor - bMinor;
}

/** The version to speak: the lower of what the engine offers and what we support. */
export function negotiateApiVersion(engineVersion: string): string {
  if (!/^\d+\.\d+$/.test(engineVersion)) {
    throw new TidewatchError('engine-unsupported', `the engine reported API version "${engineVersion}"`);
  }
  if (compareApiVersions(engineVersion, OLDEST_SUPPORTED_API) < 0) {
    throw new TidewatchError(
      'engine-unsupported',
      `the engine speaks API ${engineVersion}; Tidewatch needs ${OLDEST_SUPPORTED_API} or newer (Docker 19.03+)`,
    );
  }
  return compareApiVersions(engineVersion, NEWEST_SUPPORTED_API) < 0 ? engineVersion : NEWEST_SUPPORTED_API;
}

/**
 * Reads the `Api-Version` header of `GET /_ping`, the unversioned endpoint every engine answers,
 * as the docker CLI does for its own negotiation.
 */
export async function pingApiVersion(connection: EngineConnection, timeoutMs = 10_000): Promise<string> {
  const options: https.RequestOptions = { method: 'GET', path: '/_ping', timeout: timeoutMs };
  let request: typeof http.request = http.request;
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
      request = https.request;
      Object.assign(options, connection.tls);
    }
  }
  return new Promise((resolve, reject) => {
    const unreachable = (cause: unknown): void =>
      reject(
        new TidewatchError(
          'engine-unreachable',
          `cannot reach the Docker engine at ${connection.display}: ${describeError(cause)}`,
          { cause },
        ),
      );
    const req = request(options, (res) => {
      res.resume();
      const version = res.headers['api-version'];
      if (res.statusCode !== 200 || typeof version !== 'string') {
        unreachable(new Error(`GET /_ping answered ${res.statusCode ?? '?'} without an Api-Version header`));
        return;
      }
      resolve(version);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', unreachable);
    req.end();
  });
}
