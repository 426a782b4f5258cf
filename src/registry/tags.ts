import { z } from 'zod';
import type { ImageRef } from '../domain/image-ref.js';
import { RegistryFailure, statusFailure } from './failure.js';
import { describeZodError, parseJson } from './manifest-schemas.js';
import { authorisedRequest, type RepositoryDeps } from './repository-request.js';

/** What listing tags and reading configs need from a session: its auth, transport and endpoints. */

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
    const response = await authorisedRequest(
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
