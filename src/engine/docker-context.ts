import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { TidewatchError, describeError } from '../domain/errors.js';
import type { ConnectionSettings } from './connection.js';

/** Where the docker CLI's context store and config.json live, and the environment to read. */
export interface ContextSources {
  /** DOCKER_CONFIG (default ~/.docker). */
  readonly dockerConfig?: string | undefined;
  /** DOCKER_CONTEXT. */
  readonly context?: string | undefined;
}

/**
 * Picks the engine the way the docker CLI's resolveContextName does (cli/command/cli.go), so a
 * drop-in reaches the same engine as `docker ps`: --host / DOCKER_HOST win, then DOCKER_CONTEXT,
 * then `currentContext` in config.json; the context named "default" is the default socket. A
 * named context becomes the DOCKER_HOST and TLS files stored for it.
 */
export function applyDockerContext(
  settings: ConnectionSettings,
  sources: ContextSources,
): ConnectionSettings {
  if (settings.host?.trim()) return settings;
  const configDir = sources.dockerConfig?.trim() || join(homedir(), '.docker');
  const name = sources.context?.trim() || currentContext(configDir);
  if (name === undefined || name === 'default') return settings;
  return { ...settings, ...readContext(configDir, name) };
}

function currentContext(configDir: string): string | undefined {
  const file = join(configDir, 'config.json');
  if (!existsSync(file)) return undefined;
  const config = parseJson(file, `docker config ${file}`) as { currentContext?: unknown };
  return typeof config.currentContext === 'string' && config.currentContext !== ''
    ? config.currentContext
    : undefined;
}

function readContext(configDir: string, name: string): ConnectionSettings {
  // The CLI stores each context under the sha256 of its name, so any name is a safe folder name.
  const id = createHash('sha256').update(name).digest('hex');
  const metaFile = join(configDir, 'contexts', 'meta', id, 'meta.json');
  if (!existsSync(metaFile)) {
    throw new TidewatchError('invalid-docker-host', `docker context "${name}": not found (no ${metaFile})`);
  }
  const meta = parseJson(metaFile, `docker context "${name}"`) as {
    Endpoints?: { docker?: { Host?: unknown; SkipTLSVerify?: unknown } };
  };
  const endpoint = meta.Endpoints?.docker;
  if (typeof endpoint?.Host !== 'string' || endpoint.Host === '') {
    throw new TidewatchError(
      'invalid-docker-host',
      `docker context "${name}": ${metaFile} has no Endpoints.docker.Host`,
    );
  }
  if (endpoint.SkipTLSVerify === true) {
    // Tidewatch always verifies the engine's certificate; refusing beats silently verifying anyway.
    throw new TidewatchError(
      'invalid-docker-host',
      `docker context "${name}": SkipTLSVerify is not supported`,
    );
  }
  const tlsDir = join(configDir, 'contexts', 'tls', id, 'docker');
  if (!existsSync(tlsDir)) return { host: endpoint.Host, tlsVerify: false, certPath: undefined };
  return { host: endpoint.Host, tlsVerify: true, certPath: tlsDir };
}

function parseJson(file: string, what: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as unknown;
  } catch (error) {
    throw new TidewatchError('invalid-docker-host', `${what}: cannot read ${file}: ${describeError(error)}`, {
      cause: error,
    });
  }
}
