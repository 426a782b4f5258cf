import { z } from 'zod';
import type { ImageRef } from '../domain/image-ref.js';
import type { SessionAuth } from './auth.js';
import type { Endpoints } from './endpoints.js';
import { RegistryFailure, statusFailure } from './failure.js';
import type { HttpResponse, HttpTransport } from './http.js';
import { describeZodError, parseJson } from './manifest-schemas.js';
import type { RequestKind } from './types.js';

/** What listing tags and reading configs need from a session: its auth, transport and endpoints. */
export interface RepositoryDeps {
  readonly transport: HttpTransport;
  readonly endpoints: Endpoints;
  readonly auth: SessionAuth;
}

// https://github.com/opencontainers/distribution-spec/blob/main/spec.md#listing-tags
const TagList = z.object({ name: z.string().optional(), tags: z.array(z.string()).nullable() });

// A bound, so a registry that links back to itself cannot keep a cycle listing forever: at the
// registry's usual 100 to 1000 tags a page, far more tags than any repository worth following has.
const MAX_PAGES = 200;

/**
 * Every tag of `ref`'s repository: `GET /v2/<name>/tags/list`, following `Link: <...>; rel="next"`
 * page by page. The order is the registry's (lexical, by the spec); callers sort by version.
 */
export async function listAllTags(
  deps: RepositoryDeps,
  ref: ImageRef,
  signal: AbortSignal,
): Promise<string[]> {
  const base = deps.endpoints.baseUrl(ref.registry);
  const what = `${ref.registry}/${ref.repository} tags`;
  const tags: string[] = [];
  let url: string | undefined = `${base}/v2/${ref.repository}/tags/list`;
  for (let page = 0; url !== undefined; page++) {
    if (page >= MAX_PAGES) {
      throw new RegistryFailure('registry-bad-response', `${what}: more than ${MAX_PAGES} pages`);
    }
    const response = await authorisedGet(
      deps,
      ref,
      { url, kind: 'tags', what, accept: 'application/json' },
      signal,
    );
    if (response.status !== 200) throw statusFailure(response.status, what);
    const parsed = TagList.safeParse(parseJson(response.body, what));
    if (!parsed.success) {
      throw new RegistryFailure(
        'registry-bad-response',
        `${what}: invalid tag list (${describeZodError(parsed.error)})`,
      );
    }
    tags.push(...(parsed.data.tags ?? []));
    url = nextPage(response.headers.get('link'), url, base);
  }
  return [...new Set(tags)];
}

/**
 * The `rel="next"` target of a Link header (RFC 8288), resolved against the page it came with.
 * Only a link to the same registry is followed: credentials must not travel to another host.
 */
export function nextPage(header: string | null, current: string, base: string): string | undefined {
  if (header === null) return undefined;
  for (const link of header.split(/,(?=\s*<)/)) {
    const match = /^\s*<([^>]*)>(.*)$/.exec(link);
    if (match === null) continue;
    const rel = (match[2] ?? '')
      .split(';')
      .map((param) => /^\s*rel\s*=\s*"?([^"]*)"?\s*$/i.exec(param)?.[1])
      .find((value) => value !== undefined);
    // rel may list several relation types: rel="next last".
    if (rel === undefined || !rel.toLowerCase().split(/\s+/).includes('next')) continue;
    let target: URL;
    try {
      target = new URL(match[1] ?? '', current);
    } catch {
      return undefined;
    }
    return target.origin === new URL(base).origin ? target.toString() : undefined;
  }
  return undefined;
}

export interface RepositoryRequest {
  readonly url: string;
  readonly kind: RequestKind;
  readonly what: string;
  readonly accept: string;
}

/** An authorised GET on a repository; a refused reused token is replaced once, as for manifests. */
export async function authorisedGet(
  deps: RepositoryDeps,
  ref: ImageRef,
  request: RepositoryRequest,
  signal: AbortSignal,
): Promise<HttpResponse> {
  for (let attempt = 0; ; attempt++) {
    const auth = await deps.auth.authorise(ref.registry, ref.repository, signal);
    const response = await deps.transport.send(
      {
        registry: ref.registry,
        kind: request.kind,
        method: 'GET',
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
    const why = auth.anonymous
      ? 'access denied without credentials (none configured for this registry)'
      : `the credentials for ${ref.registry} are refused for repository ${ref.repository}`;
    throw new RegistryFailure('registry-unauthorized', `${request.what}: ${why} (HTTP ${response.status})`);
  }
}
