import { describeError } from '../domain/errors.js';
import { parseWwwAuthenticate, selectAuth, type RegistryAuth } from './auth-challenge.js';
import type { Endpoints } from './endpoints.js';
import { RegistryFailure, statusFailure } from './failure.js';
import type { HttpTransport } from './http.js';
import { Memo } from './memo.js';
import { fetchToken } from './token-request.js';
import type { TokenCache } from './token-cache.js';
import type { CredentialStore, Credentials } from './types.js';

export interface AuthDeps {
  readonly transport: HttpTransport;
  readonly endpoints: Endpoints;
  readonly tokens: TokenCache;
  readonly credentials: CredentialStore;
  readonly now: () => number;
}

/** Headers for one request, and what to do when the registry refuses them. */
export interface Authorisation {
  readonly headers: Readonly<Record<string, string>>;
  readonly scheme: RegistryAuth['scheme'];
  /** True when no credentials were sent (none configured, or the registry needs none). */
  readonly anonymous: boolean;
  /** True when the headers came from an earlier request: worth one retry with fresh ones. */
  readonly reused: boolean;
  invalidate(): void;
}

/**
 * Authorisation for one session: one `GET /v2/` per registry tells which scheme the registry wants
 * (https://distribution.github.io/distribution/spec/api/#api-version-check); Bearer tokens come
 * from the client-wide cache. A scope whose token was refused stays refused for the session, so N
 * containers behind wrong credentials cost one token request, not N.
 */
export class SessionAuth {
  private readonly schemes = new Memo<RegistryAuth>();
  private readonly learned = new Map<string, RegistryAuth>();
  private readonly refusedScopes = new Map<string, RegistryFailure>();

  constructor(private readonly deps: AuthDeps) {}

  async authorise(registry: string, repository: string, signal: AbortSignal): Promise<Authorisation> {
    const auth =
      this.learned.get(registry) ?? (await this.schemes.get(registry, signal, (s) => this.ping(registry, s)));
    switch (auth.scheme) {
      case 'none':
        return { headers: {}, scheme: 'none', anonymous: true, reused: false, invalidate: () => undefined };
      case 'basic': {
        const credentials = await this.credentialsFor(registry, signal);
        if (credentials?.username === undefined || credentials.password === undefined) {
          throw new RegistryFailure(
            'registry-unauthorized',
            `${registry}/${repository}: the registry asks for a login (Basic) and no credentials are configured for ${registry}`,
          );
        }
        const basic = Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64');
        const headers = { authorization: `Basic ${basic}` };
        return { headers, scheme: 'basic', anonymous: false, reused: false, invalidate: () => undefined };
      }
      case 'bearer':
        return this.bearer(registry, repository, auth, signal);
    }
  }

  /**
   * Credentials a registry refused may have expired (a helper's token): forget them so the next
   * authorise asks the helper again. False when asking again would give the same credentials.
   */
  refreshCredentials(registry: string): boolean {
    if (this.deps.credentials.refresh?.(registry) !== true) return false;
    for (const key of this.refusedScopes.keys()) {
      if (key.startsWith(`${registry}|`)) this.refusedScopes.delete(key);
    }
    return true;
  }

  /** A 401 from a registry whose ping needed no auth may still name a challenge: answer it next time. */
  learn(registry: string, header: string | null): boolean {
    const auth = header === null ? undefined : selectAuth(parseWwwAuthenticate(header));
    if (auth === undefined || auth.scheme === 'none') return false;
    this.learned.set(registry, auth);
    return true;
  }

  private async bearer(
    registry: string,
    repository: string,
    auth: Extract<RegistryAuth, { scheme: 'bearer' }>,
    signal: AbortSignal,
  ): Promise<Authorisation> {
    // https://distribution.github.io/distribution/spec/auth/scope/
    const scope = `repository:${repository}:pull`;
    const key = `${registry}|${auth.realm}|${auth.service ?? ''}|${scope}`;
    const refused = this.refusedScopes.get(key);
    if (refused !== undefined) throw refused;
    const reused = this.deps.tokens.peek(key) !== undefined;
    let token: string;
    let credentials: Credentials | undefined;
    try {
      credentials = await this.credentialsFor(registry, signal);
      const fetchWith = (shared: AbortSignal): ReturnType<typeof fetchToken> => {
        const request = {
          registry,
          repository,
          realm: auth.realm,
          service: auth.service,
          scope,
          credentials,
        };
        return fetchToken(this.deps, request, shared);
      };
      try {
        token = await this.deps.tokens.get(key, signal, fetchWith);
      } catch (error) {
        // The token service refused the login: an expired helper token gets one fresh answer.
        if (!isRefusal(error) || isAnonymous(credentials) || !this.refreshCredentials(registry)) throw error;
        credentials = await this.credentialsFor(registry, signal);
        token = await this.deps.tokens.get(key, signal, fetchWith);
      }
    } catch (error) {
      if (error instanceof RegistryFailure) this.refusedScopes.set(key, error);
      throw error;
    }
    return {
      headers: { authorization: `Bearer ${token}` },
      scheme: 'bearer',
      anonymous: isAnonymous(credentials),
      reused,
      invalidate: () => this.deps.tokens.invalidate(key, token),
    };
  }

  private async ping(registry: string, signal: AbortSignal): Promise<RegistryAuth> {
    const url = `${this.deps.endpoints.baseUrl(registry)}/v2/`;
    const what = `${registry}: API check`;
    const response = await this.deps.transport.send(
      { registry, kind: 'ping', method: 'GET', url, what },
      signal,
    );
    if (response.status >= 200 && response.status < 300) return { scheme: 'none' };
    if (response.status !== 401) throw statusFailure(response.status, what);
    const header = response.headers.get('www-authenticate');
    const auth = header === null ? undefined : selectAuth(parseWwwAuthenticate(header));
    if (auth === undefined) {
      throw new RegistryFailure('registry-bad-response', `${what}: 401 without a Bearer or Basic challenge`);
    }
    return auth;
  }

  private async credentialsFor(registry: string, signal: AbortSignal): Promise<Credentials | undefined> {
    try {
      return await this.deps.credentials.get(registry, signal);
    } catch (error) {
      if (signal.aborted) throw error;
      throw new RegistryFailure(
        'registry-unauthorized',
        `${registry}: could not look up credentials: ${describeError(error)}`,
        { cause: error },
      );
    }
  }
}

function isAnonymous(credentials: Credentials | undefined): boolean {
  return credentials?.identityToken === undefined && credentials?.password === undefined;
}

function isRefusal(error: unknown): boolean {
  return error instanceof RegistryFailure && error.code === 'registry-unauthorized';
}
