import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseImageRef } from '../../src/domain/image-ref.js';
import { silentLogger } from '../../src/log/index.js';
import { RegistryClient } from '../../src/registry/index.js';
import { nextPage } from '../../src/registry/tags.js';

// A loopback HTTP server playing a registry behind Bearer tokens: tag lists in pages linked with
// `Link: <...>; rel="next"`, and one image config, so pagination, auth and memoising run over real
// sockets. Every request it receives is recorded.

interface Seen {
  readonly path: string;
  readonly query: URLSearchParams;
  readonly authorization: string | undefined;
}

let server: Server;
let host: string;
let seen: Seen[];
let route: (req: Seen, res: ServerResponse) => void;

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://stub');
    const entry = { path: url.pathname, query: url.searchParams, authorization: req.headers.authorization };
    seen.push(entry);
    route(entry, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  seen = [];
});

const sha = (body: string): string => `sha256:${createHash('sha256').update(body).digest('hex')}`;
const CONFIG = JSON.stringify({
  architecture: 'amd64',
  os: 'linux',
  created: '2026-01-02T03:04:05Z',
  config: { Labels: { 'org.opencontainers.image.version': 'from-label', 'team.note': 'x' } },
});
const MANIFEST = JSON.stringify({
  schemaVersion: 2,
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha(CONFIG), size: CONFIG.length },
  layers: [],
  // The OCI keys may be annotations too: labels win over them (src/registry/image-created.ts).
  annotations: {
    'org.opencontainers.image.version': 'from-annotation',
    'org.opencontainers.image.revision': 'abc123',
  },
});

/** Tags served `perPage` at a time, each page linking to the next the way distribution does. */
function registry(
  tags: readonly string[],
  perPage: number,
  link: (next: string) => string = (n) => `<${n}>; rel="next"`,
): void {
  route = (req, res) => {
    if (req.path === '/token')
      return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"token":"t1"}');
    if (req.authorization !== 'Bearer t1') {
      return void res
        .writeHead(401, { 'www-authenticate': `Bearer realm="http://${host}/token",service="stub"` })
        .end('{}');
    }
    if (req.path === '/v2/') return void res.writeHead(200).end('{}');
    if (req.path === '/v2/team/app/tags/list') {
      const last = req.query.get('last');
      const start = last === null ? 0 : tags.indexOf(last) + 1;
      const page = tags.slice(start, start + perPage);
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (start + perPage < tags.length) {
        headers.link = link(
          `/v2/team/app/tags/list?last=${encodeURIComponent(page.at(-1) ?? '')}&n=${perPage}`,
        );
      }
      return void res.writeHead(200, headers).end(JSON.stringify({ name: 'team/app', tags: page }));
    }
    if (req.path === `/v2/team/app/manifests/${sha(MANIFEST)}`) {
      return void res
        .writeHead(200, { 'content-type': 'application/vnd.oci.image.manifest.v1+json' })
        .end(MANIFEST);
    }
    if (req.path === `/v2/team/app/blobs/${sha(CONFIG)}`) return void res.writeHead(200).end(CONFIG);
    res.writeHead(404).end('{"errors":[{"code":"NAME_UNKNOWN"}]}');
  };
}

const client = (): RegistryClient =>
  new RegistryClient({ credentials: { get: () => Promise.resolve(undefined) }, logger: silentLogger() });
const signal = (): AbortSignal => new AbortController().signal;
const listCalls = (): number => seen.filter((s) => s.path.endsWith('/tags/list')).length;

describe('listing tags', () => {
  const TAGS = Array.from({ length: 7 }, (_, index) => `1.0.${index}`);

  it('follows Link rel="next" through every page, with the token', async () => {
    registry(TAGS, 3);
    const listing = await client()
      .session()
      .listTags(parseImageRef(`${host}/team/app:1.0.0`), signal());
    expect(listing).toEqual({ kind: 'tags', tags: TAGS });
    const pages = seen.filter((s) => s.path.endsWith('/tags/list'));
    expect(pages).toHaveLength(3);
    expect(pages.every((page) => page.authorization === 'Bearer t1')).toBe(true);
    expect(
      seen
        .filter((s) => s.path.endsWith('/tags/list'))
        .at(-1)
        ?.query.get('last'),
    ).toBe('1.0.5');
  });

  it('lists a repository once per session, however many containers use it', async () => {
    registry(TAGS, 100);
    const session = client().session();
    const [a, b] = await Promise.all([
      session.listTags(parseImageRef(`${host}/team/app:1.0.0`), signal()),
      session.listTags(parseImageRef(`${host}/team/app:1.0.3`), signal()),
    ]);
    expect(a).toEqual(b);
    const before = listCalls();
    await session.listTags(parseImageRef(`${host}/team/app:1.0.0`), signal());
    expect(listCalls()).toBe(before);
    // A new session (the next cycle) lists again.
    await client()
      .session()
      .listTags(parseImageRef(`${host}/team/app:1.0.0`), signal());
    expect(listCalls()).toBeGreaterThan(before);
  });

  it('reports a missing repository as a value', async () => {
    registry(TAGS, 100);
    const listing = await client()
      .session()
      .listTags(parseImageRef(`${host}/team/nothing:1`), signal());
    expect(listing).toMatchObject({ kind: 'error', code: 'registry-not-found' });
  });

  it("reads an image's creation time and labels from its config, over its manifest's annotations", async () => {
    registry(TAGS, 100);
    const created = await client()
      .session()
      .imageCreated(
        parseImageRef(`${host}/team/app:1.0.0`),
        sha(MANIFEST),
        { os: 'linux', architecture: 'amd64' },
        signal(),
      );
    expect(created).toEqual({
      kind: 'created',
      at: Date.parse('2026-01-02T03:04:05Z'),
      labels: {
        'org.opencontainers.image.version': 'from-label',
        'org.opencontainers.image.revision': 'abc123',
        'team.note': 'x',
      },
    });
  });
});

describe('nextPage', () => {
  const base = 'http://127.0.0.1:5000';
  const current = `${base}/v2/a/tags/list`;
  it.each([
    ['</v2/a/tags/list?last=x&n=2>; rel="next"', `${base}/v2/a/tags/list?last=x&n=2`],
    ['<http://127.0.0.1:5000/v2/a/tags/list?last=y>; rel=next', `${base}/v2/a/tags/list?last=y`],
    ['</first>; rel="prev", </v2/a/tags/list?last=z>; rel="next"', `${base}/v2/a/tags/list?last=z`],
    ['</v2/a/tags/list?last=z>; rel="next last"', `${base}/v2/a/tags/list?last=z`],
    ['</v2/a/tags/list?last=z>; rel="prev"', undefined],
    // Credentials never follow a link to another host.
    ['<http://elsewhere.example/v2/a/tags/list>; rel="next"', undefined],
    ['garbage', undefined],
  ])('%s', (header, expected) => {
    expect(nextPage(header, current, base)).toBe(expected);
  });
});
