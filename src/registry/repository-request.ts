import type { ImageRef } from '../domain/image-ref.js';
import type { SessionAuth } from './auth.js';
import type { Endpoints } from './endpoints.js';
import { RegistryFailure } from './failure.js';
import type { HttpResponse, HttpTransport } from './http.js';
import type { RequestKind } from './types.js';

/** What a request on one repository needs: the transport, where registries live, and auth. */
export interface RepositoryDeps {
  readonly transport: HttpTransport;
  readonly endpoints: Endpoints;
  readonly auth: SessionAuth;
}

export interface RepositoryRequest {
  readonly url: string;
  readonly kind: RequestKind;
  readonly what: string;
  readonly accept: string;
  /** GET unless said otherwise (a manifest check is a HEAD). */
  readonly method?: 'GET' | 'HEAD';
}

/**
 * An authorised request on a repository. A refused token that came from the cache is replaced
 * once; refused credentials are looked up afresh once (a helper's token may have expired); an
 * anonymous request refused with a challenge learns the challenge and tries once more;
 * then a 401/403 is a `registry-unauthorized` failure that says whose credentials were refused.
 */
export async function authorisedRequest(
  deps: RepositoryDeps,
  ref: ImageRef,
  request: RepositoryRequest,
  signal: AbortSignal,
): Promise<HttpResponse> {
  let refreshed = false;
  for (let attempt = 0; ; attempt++) {
    const auth = await deps.auth.authorise(ref.registry, ref.repository, signal);
    const response = await deps.transport.send(
      {
        registry: ref.registry,
        kind: request.kind,
        method: request.method ?? 'GET',
        url: request.url,
        headers: { ...auth.headers, accept: request.accept },
        what: request.what,
      },
      signal,
    );
    if (response.status !== 401 && response.status !== 403) return response;
    if (attempt === 0 && auth.reused) {
      auth.invalidate();
      continue;
    }
    if (
      attempt === 0 &&
      auth.scheme === 'none' &&
      deps.auth.learn(ref.registry, response.headers.get('www-authenticate'))
    ) {
      continue;
    }
    // Credentials from a helper expire (ECR after 12 h): ask it again, once per request.
    if (!refreshed && !auth.anonymous && deps.auth.refreshCredentials(ref.registry)) {
      refreshed = true;
      auth.invalidate();
      continue;
    }
    const why = auth.anonymous
      ? 'access denied without credentials (none configured for this registry)'
      : `the credentials for ${ref.registry} are refused for repository ${ref.repository}`;
    throw new RegistryFailure('registry-unauthorized', `${request.what}: ${why} (HTTP ${response.status})`);
  }
}
