import type { Endpoints } from './endpoints.js';
import { RegistryFailure, statusFailure } from './failure.js';
import type { HttpRequest, HttpTransport } from './http.js';
import { describeZodError, parseJson, TokenResponse } from './manifest-schemas.js';
import { tokenExpiry, type CachedToken } from './token-cache.js';
import type { Credentials } from './types.js';

export interface TokenRequest {
  readonly registry: string;
  readonly repository: string;
  readonly realm: string;
  readonly service: string | undefined;
  readonly scope: string;
  readonly credentials: Credentials | undefined;
}

interface TokenDeps {
  readonly transport: HttpTransport;
  readonly endpoints: Endpoints;
  readonly now: () => number;
}

// Identifies us to OAuth2 token servers, which require a client_id on the refresh-token grant.
const CLIENT_ID = 'tidewatch';

/**
 * Fetches a pull token (https://distribution.github.io/distribution/spec/auth/token/). An identity
 * token (what `docker login` stores for SSO accounts) is an OAuth2 refresh token and goes in the
 * refresh_token grant as a form POST (https://distribution.github.io/distribution/spec/auth/oauth/),
 * as the docker CLI does; a username and password go as Basic auth on the GET; without credentials
 * the GET is anonymous.
 */
export async function fetchToken(
  deps: TokenDeps,
  request: TokenRequest,
  signal: AbortSignal,
): Promise<CachedToken> {
  const what = `${request.registry}/${request.repository}: token from ${originOf(request.realm)}`;
  let url: URL;
  try {
    url = new URL(request.realm);
  } catch (error) {
    throw new RegistryFailure('registry-bad-response', `${what}: realm is not a URL`, { cause: error });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new RegistryFailure('registry-bad-response', `${what}: realm is not an http(s) URL`);
  }
  const { credentials } = request;
  const hasLogin =
    credentials?.identityToken !== undefined ||
    (credentials?.username !== undefined && credentials.password !== undefined);
  if (hasLogin && !deps.endpoints.mayCarryCredentials(url)) {
    throw new RegistryFailure(
      'registry-unauthorized',
      `${what}: refusing to send credentials to a token realm over plain http`,
    );
  }

  const http = buildRequest(request, url, what);
  const response = await deps.transport.send(http, signal);
  if (response.status === 401 || response.status === 403) {
    const why = hasLogin
      ? `credentials for ${request.registry} were refused`
      : 'anonymous access was refused';
    throw new RegistryFailure('registry-unauthorized', `${what}: ${why} (HTTP ${response.status})`);
  }
  if (response.status !== 200) throw statusFailure(response.status, what);
  const parsed = TokenResponse.safeParse(parseJson(response.body, what));
  if (!parsed.success) {
    throw new RegistryFailure('registry-bad-response', `${what}: ${describeZodError(parsed.error)}`);
  }
  const body = parsed.data;
  return {
    token: body.token ?? body.access_token ?? '',
    expiresAt: tokenExpiry(deps.now(), body.expires_in, body.issued_at),
  };
}

function buildRequest(request: TokenRequest, url: URL, what: string): HttpRequest {
  const { credentials } = request;
  const base = { registry: request.registry, kind: 'token' as const, what };
  if (credentials?.identityToken !== undefined) {
    const form = new URLSearchParams({
      grant_type: 'refresh_token',
      client_id: CLIENT_ID,
      scope: request.scope,
      refresh_token: credentials.identityToken,
    });
    if (request.service !== undefined) form.set('service', request.service);
    return {
      ...base,
      method: 'POST',
      url: url.href,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
    };
  }
  if (request.service !== undefined) url.searchParams.set('service', request.service);
  url.searchParams.set('scope', request.scope);
  const headers: Record<string, string> = {};
  if (credentials?.username !== undefined && credentials.password !== undefined) {
    headers.authorization = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
  }
  return { ...base, method: 'GET', url: url.href, headers };
}

function originOf(realm: string): string {
  try {
    return new URL(realm).origin;
  } catch {
    return 'an invalid realm';
  }
}
