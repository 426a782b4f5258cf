import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { TidewatchError } from '../domain/errors.js';
import { DOCKER_HUB } from '../domain/image-ref.js';
import { describeZodError } from './manifest-schemas.js';
import type { Credentials } from './types.js';

// The subset of ~/.docker/config.json that holds logins
// (https://docs.docker.com/reference/cli/docker/#docker-cli-configuration-file-configjson-properties).
const AuthEntry = z.object({
  auth: z.string().optional(),
  username: z.string().optional(),
  password: z.string().optional(),
  identitytoken: z.string().optional(),
});

export const DockerConfig = z.object({
  auths: z.record(z.string(), AuthEntry).optional(),
  credHelpers: z.record(z.string(), z.string()).optional(),
  credsStore: z.string().optional(),
});
export type DockerConfig = z.infer<typeof DockerConfig>;
type AuthEntry = z.infer<typeof AuthEntry>;

/** The key `docker login` writes for Docker Hub, and the server URL its helpers are asked about. */
export const HUB_SERVER_URL = 'https://index.docker.io/v1/';
const HUB_HOSTS: ReadonlySet<string> = new Set([DOCKER_HUB, 'index.docker.io', 'registry-1.docker.io']);

/** Reads and validates config.json; `undefined` when there is none. */
export async function readDockerConfig(
  file: string,
  signal?: AbortSignal,
): Promise<DockerConfig | undefined> {
  let text: string;
  try {
    text = await readFile(file, { encoding: 'utf8', signal });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    if (signal?.aborted === true) throw error;
    const why = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new TidewatchError('invalid-docker-config', `cannot read docker config ${file}: ${why}`, {
      cause: error,
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    // JSON.parse messages quote the text around the error, which may be a password: not echoed.
    throw new TidewatchError('invalid-docker-config', `docker config ${file} is not valid JSON`, {
      cause: error,
    });
  }
  const parsed = DockerConfig.safeParse(json);
  if (!parsed.success) {
    throw new TidewatchError(
      'invalid-docker-config',
      `docker config ${file} is malformed: ${describeZodError(parsed.error)}`,
      { cause: parsed.error },
    );
  }
  return parsed.data;
}

/** `https://host:5000/v1/` → `host:5000`: config keys may be written with a scheme and a path. */
export function hostOfKey(key: string): string {
  const withoutScheme = key.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  return (withoutScheme.split('/')[0] ?? '').toLowerCase();
}

function isHub(registry: string): boolean {
  return HUB_HOSTS.has(registry.toLowerCase());
}

/** The server address credential helpers know a registry by, as `docker login` stored it. */
export function serverUrlFor(registry: string): string {
  return isHub(registry) ? HUB_SERVER_URL : registry;
}

/**
 * The entry of `record` for `registry`: an exact key first (for Docker Hub its canonical key), then
 * any key naming the same host with or without scheme and path.
 */
export function findEntry<T>(
  record: Readonly<Record<string, T>> | undefined,
  registry: string,
): { readonly key: string; readonly value: T } | undefined {
  if (record === undefined) return undefined;
  for (const key of [serverUrlFor(registry), registry]) {
    const value = record[key];
    if (value !== undefined) return { key, value };
  }
  const hub = isHub(registry);
  const wanted = registry.toLowerCase();
  for (const [key, value] of Object.entries(record)) {
    const host = hostOfKey(key);
    if (hub ? HUB_HOSTS.has(host) : host === wanted) return { key, value };
  }
  return undefined;
}

/** Credentials of an `auths` entry; `undefined` for the empty entries a credsStore leaves behind. */
export function decodeAuthEntry(entry: AuthEntry, file: string, key: string): Credentials | undefined {
  let { username, password } = entry;
  if (entry.auth !== undefined && entry.auth !== '') {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon <= 0) {
      throw new TidewatchError(
        'invalid-docker-config',
        `docker config ${file}: auths["${key}"].auth is not base64 of user:password`,
      );
    }
    username = decoded.slice(0, colon);
    password = decoded.slice(colon + 1);
  }
  const identityToken = entry.identitytoken !== '' ? entry.identitytoken : undefined;
  if (identityToken !== undefined) return username ? { username, identityToken } : { identityToken };
  if (username !== undefined && username !== '' && password !== undefined) return { username, password };
  return undefined;
}
