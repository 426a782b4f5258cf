import { DOCKER_HUB, type ImageRef } from '../domain/index.js';
import { HUB_SERVER_URL } from './docker-config.js';
import type { CredentialStore } from './types.js';

/** Credentials as an engine pull wants them (X-Registry-Auth); the engine's PullAuth has this shape. */
export interface PullCredentials {
  readonly serverAddress: string;
  readonly username?: string | undefined;
  readonly password?: string | undefined;
  readonly identityToken?: string | undefined;
}

/**
 * The credentials for pulling `ref` through the engine (a container's, a service's or Tidewatch's
 * own image), or undefined for an anonymous pull. Docker Hub is named by its legacy server URL,
 * as `docker login` stores it.
 */
export async function pullCredentialsFor(
  credentials: CredentialStore,
  ref: ImageRef,
  signal?: AbortSignal,
): Promise<PullCredentials | undefined> {
  const found = await credentials.get(ref.registry, signal);
  return (
    found && {
      serverAddress: ref.registry === DOCKER_HUB ? HUB_SERVER_URL : ref.registry,
      username: found.username,
      password: found.password,
      identityToken: found.identityToken,
    }
  );
}
