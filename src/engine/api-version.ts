import { TidewatchError, describeError } from '../domain/errors.js';
import type { EngineConnection } from './connection.js';
import { engineRequest, type RawResponse } from './raw-request.js';

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

/** What `GET /_ping` says of the engine. */
export interface EnginePing {
  readonly apiVersion: string;
  /** Podman's own API version (its `Libpod-Api-Version` header); undefined for Docker. */
  readonly libpodVersion: string | undefined;
}

/**
 * Reads the `Api-Version` header of `GET /_ping`, the unversioned endpoint every engine answers,
 * as the docker CLI does for its own negotiation, and whether the engine is Podman.
 */
export async function pingEngine(connection: EngineConnection, timeoutMs = 10_000): Promise<EnginePing> {
  const unreachable = (cause: unknown): TidewatchError =>
    new TidewatchError(
      'engine-unreachable',
      `cannot reach the Docker engine at ${connection.display}: ${describeError(cause)}`,
      { cause },
    );
  let response: RawResponse;
  try {
    response = await engineRequest(connection, { method: 'GET', path: '/_ping', timeoutMs });
  } catch (error) {
    throw unreachable(error);
  }
  const version = response.headers['api-version'];
  if (response.status !== 200 || typeof version !== 'string') {
    throw unreachable(
      new Error(`GET /_ping answered ${response.status || '?'} without an Api-Version header`),
    );
  }
  const libpod = response.headers['libpod-api-version'];
  return { apiVersion: version, libpodVersion: typeof libpod === 'string' ? libpod : undefined };
}
