import { stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '../log/index.js';
import type { RegistryLogin } from '../config/index.js';
import { runCredentialHelper } from './cred-helper.js';
import { answerExpiry } from './credential-expiry.js';
import {
  decodeAuthEntry,
  findEntry,
  readDockerConfig,
  serverUrlFor,
  type DockerConfig,
} from './docker-config.js';
import { Memo } from './memo.js';
import type { CredentialStore, Credentials } from './types.js';

export interface CredentialStoreOptions {
  /** Directory holding config.json. Default `$DOCKER_CONFIG`, else `~/.docker`. */
  dockerConfigDir?: string;
  /** Watchtower's REPO_USER / REPO_PASS: when both are set they are used for every registry. */
  repoUser?: string;
  repoPass?: string;
  /**
   * Logins from Tidewatch's config file (`registries:`), per registry host: a user and password, or
   * a credential helper to ask. They come first: an entry for this very registry is more specific
   * than REPO_USER (every registry) and is what the operator wrote for Tidewatch.
   */
  registries?: readonly RegistryLogin[];
  logger: Logger;
  now?: () => number;
}

const NEVER = new AbortController().signal;

/**
 * Credentials the way the docker CLI finds them: a per-registry `credHelpers` entry, else the
 * `credsStore` helper, else `auths` in config.json. A helper's answer is kept until it expires
 * (credential-expiry.ts) or a registry refuses it (refresh); everything read from config.json is
 * kept until the file changes. Failures are not kept, so a helper that timed out is asked again.
 */
export function createCredentialStore(options: CredentialStoreOptions): CredentialStore {
  const dir = options.dockerConfigDir ?? process.env.DOCKER_CONFIG ?? join(homedir(), '.docker');
  const file = join(dir, 'config.json');
  const { repoUser, repoPass, logger } = options;
  const fixed = repoUser && repoPass ? { username: repoUser, password: repoPass } : undefined;
  if ((repoUser ?? '') !== '' && fixed === undefined) {
    logger.warn('REPO_USER is set without REPO_PASS; ignoring it');
  }

  // Keyed as config.json's auths are, so Docker Hub's names and `https://host/v1/` keys match the same way.
  const logins: Record<string, RegistryLogin> = Object.fromEntries(
    (options.registries ?? []).map((login) => [login.host, login]),
  );

  const now = options.now ?? Date.now;
  const config = new Memo<DockerConfig | undefined>();
  const results = new Memo<Credentials | undefined>();
  // Per registry key: when its kept result must be looked up again (helper answers only).
  const expiries = new Map<string, number>();
  const warnedHelpers = new Set<string>();
  let configStamp: string | undefined;

  // config.json is rewritten by `docker login` and by secret rotation: a new file means new logins.
  const checkConfigFile = async (): Promise<void> => {
    const stamp = await stat(file).then(
      (info) => `${info.mtimeMs}:${info.size}:${info.ino}`,
      () => 'absent',
    );
    if (configStamp !== undefined && stamp !== configStamp) {
      config.clear();
      results.clear();
      expiries.clear();
    }
    configStamp = stamp;
  };

  const helper = async (
    name: string,
    registry: string,
    signal: AbortSignal,
  ): Promise<Credentials | undefined> => {
    const result = await runCredentialHelper(name, serverUrlFor(registry), signal);
    switch (result.kind) {
      case 'found':
        expiries.set(registry, answerExpiry(result.credentials, result.expiresAt, now()));
        return result.credentials;
      case 'not-found':
        return undefined;
      case 'missing':
        // A config.json copied from a desktop often names a helper the server does not have.
        if (!warnedHelpers.has(name)) {
          warnedHelpers.add(name);
          logger.warn(
            { helper: `docker-credential-${name}`, file },
            'credential helper not found on PATH; using auths',
          );
        }
        return undefined;
    }
  };

  const lookup = async (registry: string, signal: AbortSignal): Promise<Credentials | undefined> => {
    const login = findEntry(logins, registry)?.value;
    if (login?.username !== undefined && login.password !== undefined) {
      return { username: login.username, password: login.password };
    }
    if (login?.credHelper !== undefined) {
      const found = await helper(login.credHelper, registry, signal);
      if (found !== undefined) return found;
    }
    if (fixed !== undefined) return fixed;
    const parsed = await config.get('', signal, (s) => readDockerConfig(file, s));
    if (parsed === undefined) return undefined;
    const helperName = findEntry(parsed.credHelpers, registry)?.value ?? parsed.credsStore;
    if (helperName !== undefined && helperName !== '') {
      const found = await helper(helperName, registry, signal);
      if (found !== undefined) return found;
    }
    const auth = findEntry(parsed.auths, registry);
    return auth === undefined ? undefined : decodeAuthEntry(auth.value, file, auth.key);
  };

  return {
    async get(registry: string, signal?: AbortSignal): Promise<Credentials | undefined> {
      const key = registry.toLowerCase();
      if (fixed !== undefined && findEntry(logins, key) === undefined) return fixed;
      await checkConfigFile();
      const until = expiries.get(key);
      if (until !== undefined && now() >= until) {
        expiries.delete(key);
        results.delete(key);
      }
      return results.get(key, signal ?? NEVER, async (s, forget) => {
        try {
          return await lookup(key, s);
        } catch (error) {
          forget(); // a helper that timed out is asked again next time
          throw error;
        }
      });
    },
    refresh(registry: string): boolean {
      const key = registry.toLowerCase();
      // Only a helper's answer has an expiry: anything else would come back the same.
      if (!expiries.delete(key)) return false;
      results.delete(key);
      return true;
    },
  };
}
