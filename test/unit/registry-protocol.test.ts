import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseImageRef } from '../../src/domain/image-ref.js';
import type { LocalImage } from '../../src/domain/image.js';
import { silentLogger } from '../../src/log/index.js';
import {
  RegistryClient,
  type Credentials,
  type RegistryClientOptions,
  type RequestInfo,
} from '../../src/registry/index.js';

// A real loopback HTTP server playing registry and token server, so the protocol logic (challenge,
// token, caching, retries) is tested over real sockets. Every request it receives is recorded.

interface Seen {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly authorization: string | undefined;
  readonly accept: string | undefined;
  readonly body: string;
}
type Route = (req: Seen, res: ServerResponse) => void | Promise<void>;

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const sha = (body: string): string => `sha256:${createHash('sha256').update(body).digest('hex')}`;
const manifestBody = (config: string): string =>
  JSON.stringify({
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: config, size: 2 },
    layers: [],
  });
const CONFIG_1 = sha('config one');
const MANIFEST_1 = manifestBody(CONFIG_1);
const DIGEST_1 = sha(MANIFEST_1);

let server: Server;
let port: number;
let host: string;
let route: Route;
let seen: Seen[];

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://stub');
      const entry: Seen = {
        method: req.method ?? '',
        path: url.pathname,
        query: url.searchParams,
        authorization: req.headers.authorization,
        accept: req.headers.accept,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      seen.push(entry);
      void Promise.resolve(route(entry, res)).catch((error: unknown) => {
        res.statusCode = 500;
        res.end(String(error));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  host = `127.0.0.1:${port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  seen = [];
});

const count = (kind: 'ping' | 'token' | 'manifest'): number =>
  seen.filter((s) =>
    kind === 'ping'
      ? s.path === '/v2/'
      : kind === 'token'
        ? s.path === '/token'
        : s.path.includes('/manifests/'),
  ).length;

interface StubOptions {
  auth?: 'bearer' | 'basic' | 'none';
  user?: string;
  pass?: string;
  refreshToken?: string;
  expiresIn?: number;
  issuedAt?: string;
  headDigest?: boolean;
  tokenBody?: string;
  override?: (req: Seen, res: ServerResponse) => boolean;
}

/** A registry serving one tag (`team/app:1` → MANIFEST_1) behind the chosen auth. */
function registry(options: StubOptions = {}): { valid: Set<string> } {
  const valid = new Set<string>();
  let issued = 0;
  const basic = `Basic ${Buffer.from(`${options.user}:${options.pass}`).toString('base64')}`;
  route = (req, res) => {
    if (options.override?.(req, res) === true) return;
    if (req.path === '/token') {
      const refreshOk =
        req.method === 'POST' &&
        new URLSearchParams(req.body).get('refresh_token') === options.refreshToken &&
        options.refreshToken !== undefined;
      const loginOk = options.user === undefined || req.authorization === basic;
      if (!(req.method === 'POST' ? refreshOk : loginOk)) return void res.writeHead(401).end('{}');
      const token = `tok-${++issued}`;
      valid.add(token);
      const key = req.method === 'POST' ? 'access_token' : 'token';
      const body = { [key]: token, expires_in: options.expiresIn, issued_at: options.issuedAt };
      return void res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(options.tokenBody ?? JSON.stringify(body));
    }
    const auth = options.auth ?? 'bearer';
    const authorised =
      auth === 'none' ||
      (auth === 'basic' && req.authorization === basic) ||
      (auth === 'bearer' && valid.has(req.authorization?.replace(/^Bearer /, '') ?? ''));
    if (!authorised) {
      const challenge =
        auth === 'basic'
          ? 'Basic realm="stub"'
          : `Bearer realm="http://${host}/token",service="stub registry, test"`;
      return void res.writeHead(401, { 'www-authenticate': challenge }).end('{}');
    }
    if (req.path === '/v2/') return void res.writeHead(200).end('{}');
    if (req.path === '/v2/team/app/manifests/1' || req.path === `/v2/team/app/manifests/${DIGEST_1}`) {
      const headers: Record<string, string> = { 'content-type': OCI_MANIFEST };
      if (options.headDigest !== false) headers['docker-content-digest'] = DIGEST_1;
      return void res.writeHead(200, headers).end(req.method === 'HEAD' ? undefined : MANIFEST_1);
    }
    res
      .writeHead(404, { 'content-type': 'application/json' })
      .end('{"errors":[{"code":"MANIFEST_UNKNOWN"}]}');
  };
  return { valid };
}

function client(credentials?: Credentials, extra: Partial<RegistryClientOptions> = {}) {
  const requests: RequestInfo[] = [];
  const instance = new RegistryClient({
    credentials: { get: () => Promise.resolve(credentials) },
    logger: silentLogger(),
    onRequest: (info) => requests.push(info),
    ...extra,
  });
  return { client: instance, requests };
}

const ref = () => parseImageRef(`${host}/team/app:1`);
const pulled = (): LocalImage => ({
  id: CONFIG_1,
  repoDigests: [`${host}/team/app@${DIGEST_1}`],
  platform: { os: 'linux', architecture: 'amd64' },
});
const stale = (): LocalImage => ({
  id: sha('old config'),
  repoDigests: [],
  platform: { os: 'linux', architecture: 'amd64' },
});
const signal = (): AbortSignal => new AbortController().signal;

describe('bearer token flow', () => {
  it('ping → token with Basic login → HEAD with the token; one of each', async () => {
    registry({ user: 'alice', pass: 's3cret', expiresIn: 300 });
    const { client: c, requests } = client({ username: 'alice', password: 's3cret' });
    expect(await c.session().resolve(ref(), pulled(), signal())).toEqual({
      kind: 'current',
      remoteDigest: DIGEST_1,
    });
    expect([count('ping'), count('token'), count('manifest')]).toEqual([1, 1, 1]);
    const token = seen.find((s) => s.path === '/token');
    expect(token?.query.get('service')).toBe('stub registry, test');
    expect(token?.query.get('scope')).toBe('repository:team/app:pull');
    const head = seen.find((s) => s.method === 'HEAD');
    expect(head?.authorization).toBe('Bearer tok-1');
    for (const type of [
      'docker.distribution.manifest.v2',
      'manifest.list.v2',
      'oci.image.manifest.v1',
      'oci.image.index.v1',
    ]) {
      expect(head?.accept).toContain(type);
    }
    expect(requests.map((r) => `${r.kind}:${r.status}`)).toEqual(['ping:401', 'token:200', 'manifest:200']);
  });

  it('N resolves of one reference in a session cost one ping, one token, one HEAD', async () => {
    registry({ expiresIn: 300 });
    const { client: c } = client();
    const session = c.session();
    const results = await Promise.all(
      Array.from({ length: 20 }, () => session.resolve(ref(), pulled(), signal())),
    );
    expect(new Set(results.map((r) => r.kind))).toEqual(new Set(['current']));
    expect([count('ping'), count('token'), count('manifest')]).toEqual([1, 1, 1]);
  });

  it('tokens are cached across sessions until shortly before expiry (issued_at honoured)', async () => {
    let now = Date.parse('2026-03-01T12:00:00Z');
    registry({ expiresIn: 120, issuedAt: new Date(now - 30_000).toISOString() });
    const { client: c } = client(undefined, { now: () => now });
    await c.session().resolve(ref(), pulled(), signal());
    now += 60_000; // 90 s into a 120 s token: still good
    await c.session().resolve(ref(), pulled(), signal());
    expect([count('ping'), count('token'), count('manifest')]).toEqual([2, 1, 2]);
    now += 25_000; // 115 s: inside the refresh margin
    await c.session().resolve(ref(), pulled(), signal());
    expect(count('token')).toBe(2);
  });

  it('a cached token the registry refuses is replaced once', async () => {
    const { valid } = registry({ expiresIn: 300 });
    const { client: c } = client();
    await c.session().resolve(ref(), pulled(), signal());
    valid.clear();
    expect(await c.session().resolve(ref(), pulled(), signal())).toMatchObject({ kind: 'current' });
    expect(count('token')).toBe(2);
    expect(count('manifest')).toBe(3);
  });

  it('wrong credentials → registry-unauthorized naming registry and repository, once per session, no secret', async () => {
    registry({ user: 'alice', pass: 'right' });
    const { client: c } = client({ username: 'alice', password: 'wrong-pw' });
    const session = c.session();
    const results = await Promise.all([1, 2, 3].map(() => session.resolve(ref(), pulled(), signal())));
    for (const result of results) {
      expect(result).toMatchObject({ kind: 'error', code: 'registry-unauthorized' });
      if (result.kind !== 'error') continue;
      expect(result.message).toContain(`${host}/team/app`);
      expect(result.message).toContain('refused');
      expect(result.message).not.toContain('wrong-pw');
      expect(result.message).not.toContain('\n');
    }
    expect(count('token')).toBe(1);
    expect(count('manifest')).toBe(0);
  });

  it('an identity token is exchanged with the OAuth2 refresh_token grant (form POST)', async () => {
    registry({ refreshToken: 'refresh-xyz' });
    const { client: c } = client({ identityToken: 'refresh-xyz' });
    expect(await c.session().resolve(ref(), pulled(), signal())).toMatchObject({ kind: 'current' });
    const form = new URLSearchParams(seen.find((s) => s.path === '/token')?.body);
    expect(form.get('grant_type')).toBe('refresh_token');
    expect(form.get('service')).toBe('stub registry, test');
    expect(form.get('scope')).toBe('repository:team/app:pull');
    expect(form.get('client_id')).toBe('tidewatch');
  });

  it('a token response without a token is registry-bad-response', async () => {
    registry({ tokenBody: '{"expires_in": 60}' });
    const result = await client().client.session().resolve(ref(), pulled(), signal());
    expect(result).toMatchObject({ kind: 'error', code: 'registry-bad-response' });
  });

  it('a token response that is not JSON is registry-bad-response', async () => {
    registry({ tokenBody: '<html>' });
    const result = await client().client.session().resolve(ref(), pulled(), signal());
    expect(result).toMatchObject({ kind: 'error', code: 'registry-bad-response' });
  });

  it('credentials are never sent to a plain-http realm off loopback', async () => {
    route = (_req, res) =>
      void res.writeHead(401, { 'www-authenticate': 'Bearer realm="http://auth.invalid/token"' }).end();
    const result = await client({ username: 'a', password: 'b' })
      .client.session()
      .resolve(ref(), pulled(), signal());
    expect(result).toMatchObject({ kind: 'error', code: 'registry-unauthorized' });
    expect(result.kind === 'error' && result.message).toContain('plain http');
  });
});

describe('basic auth', () => {
  it('sends Authorization: Basic on every request', async () => {
    registry({ auth: 'basic', user: 'bob', pass: 'pw' });
    const { client: c } = client({ username: 'bob', password: 'pw' });
    expect(await c.session().resolve(ref(), stale(), signal())).toMatchObject({ kind: 'update-available' });
    const manifests = seen.filter((s) => s.path.includes('/manifests/'));
    expect(manifests.map((s) => s.method)).toEqual(['HEAD', 'GET']);
    expect(manifests.every((s) => s.authorization?.startsWith('Basic '))).toBe(true);
  });

  it('without credentials fails without sending a manifest request', async () => {
    registry({ auth: 'basic', user: 'bob', pass: 'pw' });
    const result = await client().client.session().resolve(ref(), pulled(), signal());
    expect(result).toMatchObject({ kind: 'error', code: 'registry-unauthorized' });
    expect(count('manifest')).toBe(0);
  });
});

describe('manifests', () => {
  it('HEAD without Docker-Content-Digest falls back to GET and hashes the exact bytes', async () => {
    registry({ auth: 'none', headDigest: false });
    const { client: c } = client();
    const local = { ...stale(), id: CONFIG_1 };
    expect(await c.session().resolve(ref(), local, signal())).toEqual({
      kind: 'current',
      remoteDigest: DIGEST_1,
    });
    // The GET by tag also served as the manifest by digest.
    expect(seen.filter((s) => s.path.includes('/manifests/')).map((s) => s.method)).toEqual(['HEAD', 'GET']);
  });

  it('404 → registry-not-found with one line naming registry, repository and tag', async () => {
    registry({ auth: 'none' });
    const result = await client()
      .client.session()
      .resolve(parseImageRef(`${host}/team/app:2`), pulled(), signal());
    expect(result).toEqual({
      kind: 'error',
      code: 'registry-not-found',
      message: `${host}/team/app:2 manifest: not found (HTTP 404)`,
    });
  });

  it('5xx → registry-unavailable', async () => {
    registry({ auth: 'none', override: (req, res) => req.method === 'HEAD' && !!res.writeHead(503).end() });
    const result = await client().client.session().resolve(ref(), pulled(), signal());
    expect(result).toMatchObject({ kind: 'error', code: 'registry-unavailable' });
  });

  it('a body that does not match its digest → registry-bad-response', async () => {
    registry({
      auth: 'none',
      override: (req, res) =>
        req.method === 'GET' &&
        req.path.endsWith(DIGEST_1) &&
        !!res.writeHead(200).end(manifestBody(sha('other'))),
    });
    const result = await client().client.session().resolve(ref(), stale(), signal());
    expect(result).toMatchObject({ kind: 'error', code: 'registry-bad-response' });
  });

  it('connection refused → registry-unavailable', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const { client: c, requests } = client();
    const result = await c
      .session()
      .resolve(parseImageRef(`127.0.0.1:${closedPort}/a:1`), pulled(), signal());
    expect(result).toMatchObject({ kind: 'error', code: 'registry-unavailable' });
    expect(result.kind === 'error' && result.message).toContain('ECONNREFUSED');
    expect(requests).toEqual([{ registry: `127.0.0.1:${closedPort}`, kind: 'ping', status: 0 }]);
  });

  it('a registry that does not answer in time → registry-unavailable (timed out)', async () => {
    registry({ auth: 'none', override: (req) => req.method === 'HEAD' });
    const { client: c } = client(undefined, { requestTimeoutMs: 200 });
    const result = await c.session().resolve(ref(), pulled(), signal());
    expect(result).toMatchObject({ kind: 'error', code: 'registry-unavailable' });
    expect(result.kind === 'error' && result.message).toContain('timed out after 200 ms');
  });

  it('aborting the caller rejects with its reason', async () => {
    registry({ auth: 'none', override: (req) => req.method === 'HEAD' });
    const controller = new AbortController();
    const pending = client().client.session().resolve(ref(), pulled(), controller.signal);
    setTimeout(() => controller.abort(new Error('cycle cancelled')), 50);
    await expect(pending).rejects.toThrow('cycle cancelled');
  });

  it('never has more requests in flight than `concurrency`', async () => {
    let active = 0;
    let peak = 0;
    // Answers are held until a second request arrives (or 2 s pass, for a lone last one), so the
    // client's use of its two slots shows however slowly a busy machine runs it.
    let held: (() => void)[] = [];
    const release = (): void => {
      const now = held;
      held = [];
      for (const answer of now) answer();
    };
    registry({
      auth: 'none',
      override: (req, res) => {
        if (req.method !== 'HEAD') return false;
        active++;
        peak = Math.max(peak, active);
        held.push(() => {
          active--;
          res.writeHead(404).end();
        });
        if (held.length >= 2) setTimeout(release, 30);
        else setTimeout(() => held.length === 1 && release(), 2000);
        return true;
      },
    });
    const session = client(undefined, { concurrency: 2 }).client.session();
    const refs = Array.from({ length: 8 }, (_, i) => parseImageRef(`${host}/team/app:t${i}`));
    await Promise.all(refs.map((r) => session.resolve(r, pulled(), signal())));
    expect(count('manifest')).toBe(8);
    expect(peak).toBe(2);
  });
});

describe('429', () => {
  function rateLimited(times: number, retryAfter: () => string | undefined): void {
    let left = times;
    registry({
      auth: 'none',
      override: (req, res) => {
        if (req.method !== 'HEAD' || left-- <= 0) return false;
        const value = retryAfter();
        res.writeHead(429, value === undefined ? {} : { 'retry-after': value }).end();
        return true;
      },
    });
  }

  it('honours Retry-After in seconds, then succeeds', async () => {
    rateLimited(1, () => '1');
    const started = Date.now();
    const { client: c, requests } = client();
    expect(await c.session().resolve(ref(), pulled(), signal())).toMatchObject({ kind: 'current' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(requests.filter((r) => r.kind === 'manifest').map((r) => r.status)).toEqual([429, 200]);
  });

  it('honours Retry-After as an HTTP date', async () => {
    rateLimited(1, () => new Date(Date.now() + 1000).toUTCString());
    expect(await client().client.session().resolve(ref(), pulled(), signal())).toMatchObject({
      kind: 'current',
    });
    expect(count('manifest')).toBe(2);
  });

  it('gives up after 3 retries with registry-rate-limited', async () => {
    rateLimited(100, () => '0');
    const result = await client().client.session().resolve(ref(), pulled(), signal());
    expect(result).toMatchObject({ kind: 'error', code: 'registry-rate-limited' });
    expect(result.kind === 'error' && result.message).toContain(`${host}/team/app:1`);
    expect(count('manifest')).toBe(4);
  });

  it('does not wait longer than maxRetryAfterSeconds', async () => {
    rateLimited(100, () => '120');
    const started = Date.now();
    const result = await client(undefined, { maxRetryAfterSeconds: 60 })
      .client.session()
      .resolve(ref(), pulled(), signal());
    expect(result).toMatchObject({ kind: 'error', code: 'registry-rate-limited' });
    expect(result.kind === 'error' && result.message).toContain('over the 60 s limit');
    expect(count('manifest')).toBe(1);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
