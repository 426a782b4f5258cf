import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi, startApi, type Api, type ApiRoute } from '../../src/api/index.js';
import type { TidewatchEvent } from '../../src/events/index.js';
import { assertEngine, cleanupLab, uniqueName } from '../lab/index.js';
import { TOKEN, authHeaders, daemonHarness, type DaemonHarness } from '../support/api.js';

/** Paths with their parameters filled in with a harmless value. */
function concrete(route: ApiRoute): string {
  return route.path.replace(':name', uniqueName('nobody')).replace(':id', '1');
}

/** Deterministic pseudo-random numbers, so a failure can be replayed. */
function prng(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

function randomText(random: () => number, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += String.fromCharCode(Math.floor(random() * 0x2fff));
  return out;
}

function randomJson(random: () => number, depth = 0): unknown {
  const pick = Math.floor(random() * (depth > 3 ? 4 : 6));
  switch (pick) {
    case 0:
      return random() * 1e6 - 5e5;
    case 1:
      return randomText(random, Math.floor(random() * 20));
    case 2:
      return random() > 0.5;
    case 3:
      return null;
    case 4:
      return Array.from({ length: Math.floor(random() * 4) }, () => randomJson(random, depth + 1));
    default:
      return Object.fromEntries(
        Array.from({ length: 1 + Math.floor(random() * 4) }, () => [
          randomText(random, 1 + Math.floor(random() * 8)),
          randomJson(random, depth + 1),
        ]),
      );
  }
}

const FIXED_BODIES = [
  '{',
  '[]',
  'null',
  '"text"',
  '42',
  '{"events": "no"}',
  '{"image": 5}',
  '{"image": "UPPER/Case:tag"}',
  '['.repeat(100_000),
  '['.repeat(100_000) + ']'.repeat(100_000),
  '\u0000\u0001\u0002',
  'x'.repeat(2 * 1024 * 1024),
];

const GARBAGE_QUERIES = [
  '?unknown=1',
  '?limit=-1&limit=2',
  '?container=%E0%A4%A',
  '?image=:::&wait=maybe',
  `?types=${'x'.repeat(600)}`,
  '?since=yesterday&outcome=exploded&cursor=0',
];

describe('the API refuses what it should, and garbage never gets a 5xx', () => {
  let harness: DaemonHarness;
  let api: Api;
  const heard: TidewatchEvent[] = [];

  beforeAll(async () => {
    await assertEngine();
    // A scope no container has: a run that slips through would still touch nothing.
    harness = await daemonHarness({ scope: uniqueName('nobody') });
    harness.events.subscribe((event) => heard.push(event));
    api = createApi(harness.daemon, { heartbeatMs: 50 });
  });
  afterAll(async () => {
    api.close();
    await harness.close();
    await cleanupLab();
  });

  const request = (path: string, init: RequestInit = {}): Promise<Response> =>
    Promise.resolve(api.app.request(path, init));

  async function expectJsonError(
    response: Response,
    status?: number,
  ): Promise<{ code: string; message: string }> {
    const text = await response.text();
    if (status !== undefined) expect(response.status, text).toBe(status);
    expect(response.status, text).toBeGreaterThanOrEqual(400);
    expect(response.status, text).toBeLessThan(500);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const body = JSON.parse(text) as { error: { code: string; message: string } };
    expect(Object.keys(body)).toEqual(['error']);
    expect(typeof body.error.code).toBe('string');
    expect(typeof body.error.message).toBe('string');
    expect(body.error.message).not.toMatch(/\n\s+at /);
    return body.error;
  }

  const byAccess = (...access: ApiRoute['access'][]): Array<[string, string]> =>
    api.routes
      .filter((route) => access.includes(route.access))
      .flatMap((route) => route.methods.map((method) => [method, concrete(route)] as [string, string]));

  it('every route that changes something answers 401 without the token and with a wrong one, and changes nothing', async () => {
    const mutating = byAccess('mutate');
    expect(
      mutating.map(([method, path]) => `${method} ${path.replace(/tw-nobody-\w+/, ':name')}`).sort(),
    ).toEqual([
      'DELETE /api/v1/containers/:name/bad-digests',
      'GET /v1/update',
      'POST /api/v1/approvals/1/approve',
      'POST /api/v1/approvals/1/reject',
      'POST /api/v1/check',
      'POST /api/v1/containers/:name/rollback',
      'POST /api/v1/containers/:name/update',
      'POST /v1/update',
    ]);
    for (const [method, path] of mutating) {
      for (const headers of [
        {},
        authHeaders('wrong-token'),
        { authorization: TOKEN },
        { authorization: `Basic ${TOKEN}` },
      ]) {
        const response = await request(path, { method, headers });
        expect((await expectJsonError(response, 401)).code).toBe('unauthorized');
        expect(response.headers.get('www-authenticate')).toBe('Bearer realm="tidewatch"');
      }
    }
    expect(heard).toEqual([]);
  });

  it('read routes and metrics need the token too; health and the OpenAPI document do not', async () => {
    for (const [method, path] of byAccess('read', 'metrics')) {
      await expectJsonError(await request(path, { method }), 401);
      await expectJsonError(await request(path, { method, headers: authHeaders('wrong') }), 401);
    }
    for (const path of ['/healthz', '/readyz', '/api/v1/openapi.json']) {
      expect((await request(path)).status).toBe(200);
    }
    expect((await request('/metrics', { headers: authHeaders() })).status).toBe(200);
  });

  it('every webhook refuses a missing or wrong secret or signature with 401, and starts nothing', async () => {
    const webhooks = byAccess('webhook');
    expect(webhooks).toHaveLength(7);
    const body = JSON.stringify({ image: '127.0.0.1:5000/app' });
    for (const [method, path] of webhooks) {
      const wrongSignature = `sha256=${createHmac('sha256', 'wrong').update(body).digest('hex')}`;
      for (const headers of [{}, authHeaders('wrong'), { 'x-hub-signature-256': wrongSignature }]) {
        await expectJsonError(await request(path, { method, headers, body }), 401);
      }
      await expectJsonError(await request(`${path}?secret=wrong`, { method, body }), 401);
    }
    await new Promise((resolve) => setTimeout(resolve, 600)); // past the webhook debounce
    expect(heard).toEqual([]);
  });

  it('every route and method in the OpenAPI document is served, and every served one is in it', async () => {
    const document = (await (await request('/api/v1/openapi.json')).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const documented = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );
    const served = api.routes.flatMap((route) =>
      route.methods.map((method) => `${method} ${route.path.replace(/:(\w+)/g, '{$1}')}`),
    );
    expect(documented.sort()).toEqual(served.sort());
    expect(documented).toEqual(
      expect.arrayContaining(['GET /api/v1/containers', 'POST /v1/update', 'GET /api/v1/events']),
    );
    const security = (path: string): unknown =>
      (document.paths[path]?.post as { security: unknown }).security;
    expect(security('/api/v1/webhooks/ghcr')).toEqual([{ webhookSignature: [] }]);
    expect(security('/api/v1/webhooks/quay')).toEqual([{ webhookSecret: [] }, { webhookQuery: [] }]);
    expect(security('/api/v1/check')).toEqual([{ bearer: [] }]);
  });

  it('garbage queries, paths and bodies on every route get a 4xx JSON error', async () => {
    const random = prng(20_240_601);
    const bodies = [
      ...FIXED_BODIES,
      ...Array.from({ length: 12 }, () => JSON.stringify(randomJson(random))),
      randomText(random, 300),
    ];
    for (const route of api.routes) {
      for (const method of route.methods) {
        const path = concrete(route);
        const headers = (body = ''): Record<string, string> => ({
          ...authHeaders(),
          'content-type': 'application/json',
          'x-github-event': 'package',
          'x-hub-signature-256': `sha256=${createHmac('sha256', TOKEN).update(body).digest('hex')}`,
        });
        for (const query of GARBAGE_QUERIES) {
          await expectJsonError(await request(`${path}${query}`, { method, headers: headers() }));
        }
        if (method === 'GET') continue;
        for (const body of bodies) {
          const response = await request(path, { method, headers: headers(body), body });
          await expectJsonError(response);
        }
      }
    }
    for (const path of [
      '/api/v1/containers/%ZZ',
      '/api/v1/containers/a%2Fb',
      `/api/v1/containers/${'a'.repeat(300)}`,
      '/api/v1/updates/0',
      '/api/v1/updates/x',
    ]) {
      await expectJsonError(await request(path, { headers: authHeaders() }), 400);
    }
    await expectJsonError(await request('/api/v1/nothing', { headers: authHeaders() }), 404);
    await expectJsonError(
      await request('/api/v1/containers', { method: 'PATCH', headers: authHeaders() }),
      405,
    );
    expect(heard.filter((event) => event.type === 'check-started')).toEqual([]);
  });

  it('garbage headers never get a 5xx', async () => {
    const odd: Array<Record<string, string>> = [
      { authorization: `Bearer ${'x'.repeat(8000)}` },
      { authorization: 'Bearer' },
      { 'content-type': 'text/plain; charset=ebcdic' },
      { 'last-event-id': 'yesterday' },
      { 'x-hub-signature-256': 'sha256=zz' },
      { 'x-github-event': '\u00ff' },
      { 'content-length': '5' },
    ];
    for (const route of api.routes) {
      for (const method of route.methods) {
        for (const extra of odd) {
          const response = await request(concrete(route), {
            method,
            headers: { ...authHeaders(), ...extra },
          });
          if (route.path === '/api/v1/events' && response.status === 200) {
            await response.body?.cancel();
            continue;
          }
          const text = await response.text();
          expect(response.status, `${method} ${route.path} ${JSON.stringify(extra)}: ${text}`).toBeLessThan(
            500,
          );
        }
      }
    }
    await expectJsonError(
      await request('/api/v1/events', { headers: { ...authHeaders(), 'last-event-id': 'x' } }),
      400,
    );
  });
});

describe('without an API token', () => {
  let harness: DaemonHarness;
  let api: Api;
  beforeAll(async () => {
    await assertEngine();
    harness = await daemonHarness({ scope: uniqueName('nobody') }, { TIDEWATCH_API_TOKEN: '' });
    api = createApi(harness.daemon);
  });
  afterAll(async () => {
    api.close();
    await harness.close();
  });

  it('serves no route that changes anything (403 token-required), nor webhooks; reads are open', async () => {
    expect(harness.daemon.deps.settings.apiToken).toBeUndefined();
    for (const route of api.routes) {
      for (const method of route.methods) {
        const response = await api.app.request(concrete(route), { method, headers: authHeaders('anything') });
        if (route.access === 'mutate' || route.access === 'webhook') {
          expect(response.status, `${method} ${route.path}`).toBe(403);
          expect(((await response.json()) as { error: { code: string } }).error.code).toBe('token-required');
        } else if (route.path === '/api/v1/events') {
          expect(response.status).toBe(200);
          await response.body?.cancel();
        } else {
          expect(response.status, `${method} ${route.path}`).toBeLessThan(405);
        }
      }
    }
  });
});

describe('stopping the API', () => {
  it('ends live streams and closes the socket promptly', async () => {
    await assertEngine();
    const harness = await daemonHarness({ scope: uniqueName('nobody') });
    const service = await startApi(harness.daemon, { heartbeatMs: 60_000 });
    try {
      const url = service.url ?? '';
      const response = await fetch(`${url}/api/v1/events`, { headers: authHeaders() });
      expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
      const reader = (response.body as ReadableStream<Uint8Array>).getReader();
      expect(new TextDecoder().decode((await reader.read()).value)).toBe(': connected\n\n');
      await service.stop();
      // The server ended the stream: the client reads its end instead of waiting for a heartbeat.
      expect((await reader.read()).done).toBe(true);
      await expect(fetch(`${url}/healthz`)).rejects.toThrow();
    } finally {
      await service.stop();
      await harness.close();
    }
  });

  it('answers HEAD like GET, without a body', async () => {
    const harness = await daemonHarness({ scope: uniqueName('nobody') });
    const api = createApi(harness.daemon);
    try {
      const response = await api.app.request('/healthz', { method: 'HEAD' });
      expect(response.status).toBe(200);
      expect(await response.text()).toBe('');
      expect((await api.app.request('/api/v1/containers', { method: 'HEAD' })).status).toBe(401);
    } finally {
      api.close();
      await harness.close();
    }
  });
});

describe('named API tokens: roles over every route', () => {
  let harness: DaemonHarness;
  let api: Api;

  beforeAll(async () => {
    await assertEngine();
    // A scope no container has: what an operator token starts here touches nothing.
    harness = await daemonHarness({ scope: uniqueName('nobody') });
    api = createApi(harness.daemon, { heartbeatMs: 50 });
  });
  afterAll(async () => {
    api.close();
    await harness.close();
  });

  const request = (path: string, init: RequestInit = {}): Promise<Response> =>
    Promise.resolve(api.app.request(path, init));
  const byAccess = (...access: ApiRoute['access'][]): Array<[string, string]> =>
    api.routes
      .filter((route) => access.includes(route.access))
      .flatMap((route) => route.methods.map((method) => [method, concrete(route)] as [string, string]));
  async function expectJsonError(
    response: Response,
    status: number,
  ): Promise<{ code: string; message: string }> {
    const text = await response.text();
    expect(response.status, text).toBe(status);
    return (JSON.parse(text) as { error: { code: string; message: string } }).error;
  }

  it('roles: a viewer token reads but gets 403 on every route that changes something; operator and admin pass', async () => {
    const tokens = harness.store.apiTokens;
    const viewer = tokens.create(uniqueName('viewer'), 'viewer');
    const operator = tokens.create(uniqueName('operator'), 'operator');
    const admin = tokens.create(uniqueName('admin'), 'admin');
    try {
      const mutating = byAccess('mutate');
      expect(mutating.length).toBeGreaterThanOrEqual(8);
      for (const [method, path] of mutating) {
        const refused = await request(path, { method, headers: authHeaders(viewer) });
        const error = await expectJsonError(refused, 403);
        expect(error, `${method} ${path}`).toMatchObject({
          code: 'forbidden',
          message: 'this is a viewer token; the route needs operator or admin',
        });
        for (const token of [operator, admin, TOKEN]) {
          const response = await request(path, { method, headers: authHeaders(token) });
          await response.arrayBuffer();
          expect([401, 403], `${method} ${path}`).not.toContain(response.status);
        }
      }
      for (const [method, path] of byAccess('read', 'metrics')) {
        if (path === '/api/v1/events') continue; // a stream: its access is checked below
        for (const token of [viewer, operator, admin]) {
          const response = await request(path, { method, headers: authHeaders(token) });
          await response.arrayBuffer();
          expect([401, 403], `${method} ${path}`).not.toContain(response.status);
        }
      }
      // Revoked: refused from the next request on, as an unknown token.
      tokens.revoke(tokens.list().find((t) => t.role === 'operator')?.name ?? '');
      const revoked = await request('/api/v1/containers', { headers: authHeaders(operator) });
      expect((await expectJsonError(revoked, 401)).code).toBe('unauthorized');
    } finally {
      for (const { name } of tokens.list()) tokens.revoke(name);
    }
  });
});
