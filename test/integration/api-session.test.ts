import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi, type Api } from '../../src/api/index.js';
import { assertEngine } from '../lab/index.js';
import { TOKEN, daemonHarness, type DaemonHarness } from '../support/api.js';

/** The dashboard's sign-in: the token once, then an HttpOnly SameSite=Strict cookie. */
describe('API sessions (the dashboard sign-in)', () => {
  let harness: DaemonHarness;
  let api: Api;

  beforeAll(async () => {
    await assertEngine();
    harness = await daemonHarness();
    api = createApi(harness.daemon);
  });
  afterAll(async () => {
    api?.close();
    await harness?.close();
  });

  const request = (path: string, init: RequestInit = {}): Promise<Response> =>
    Promise.resolve(api.app.request(path, init));

  async function signIn(): Promise<string> {
    const response = await request('/api/v1/session', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: TOKEN }),
    });
    expect(response.status).toBe(204);
    const cookie = response.headers.get('set-cookie') ?? '';
    const [pair, ...attributes] = cookie.split('; ');
    expect(pair).toMatch(/^tidewatch_session=[A-Za-z0-9_-]{43}$/);
    // Twelve hours, sent to every path, never to a script nor from another site.
    expect(attributes.sort()).toEqual(['HttpOnly', 'Max-Age=43200', 'Path=/', 'SameSite=Strict']);
    expect(cookie).not.toContain(TOKEN);
    return cookie.split(';')[0] ?? '';
  }

  it('a wrong token gets 401 and no cookie', async () => {
    const response = await request('/api/v1/session', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: 'wrong' }),
    });
    expect(response.status).toBe(401);
    expect(response.headers.get('set-cookie')).toBeNull();
    expect(await (await request('/api/v1/session')).json()).toEqual({ signedIn: false, tokenRequired: true });
  });

  it('the cookie reads the API; a change needs the CSRF header as well', async () => {
    const cookie = await signIn();
    // The shared token's session: admin, and nobody in particular.
    expect(await (await request('/api/v1/session', { headers: { cookie } })).json()).toEqual({
      signedIn: true,
      tokenRequired: true,
      role: 'admin',
    });
    expect((await request('/api/v1/containers', { headers: { cookie } })).status).toBe(200);
    expect((await request('/api/v1/containers')).status).toBe(401);

    // A cross-site form would send the cookie (were it not SameSite) but never a custom header.
    const forged = await request('/api/v1/check?wait=false', { method: 'POST', headers: { cookie } });
    expect(forged.status).toBe(403);
    expect(((await forged.json()) as { error: { code: string } }).error.code).toBe('csrf-required');

    const asked = await request('/api/v1/check?wait=false', {
      method: 'POST',
      headers: { cookie, 'x-tidewatch-csrf': '1' },
    });
    expect(asked.status).toBe(202);
  });

  it('a form from another site cannot use the cookie even where no token is needed (Hono csrf)', async () => {
    const cookie = await signIn();
    const form = { cookie, 'content-type': 'application/x-www-form-urlencoded' };
    const crossSite = await request('/api/v1/session', {
      method: 'DELETE',
      headers: { ...form, origin: 'https://evil.example' },
    });
    expect(crossSite.status).toBe(403);
    expect(((await crossSite.json()) as { error: { code: string } }).error.code).toBe('csrf-required');
    expect(await (await request('/api/v1/session', { headers: { cookie } })).json()).toMatchObject({
      signedIn: true,
    });
    // The same form from the dashboard's own origin, or any request with the header, goes through.
    const own = await request('/api/v1/session', {
      method: 'DELETE',
      headers: { ...form, origin: 'http://localhost' },
    });
    expect(own.status).toBe(204);
  });

  it('sign-in attempts are limited per client address: the eleventh in a minute waits', async () => {
    const from = (address: string) => ({ incoming: { socket: { remoteAddress: address } } });
    const attempt = (address: string, token: string): Promise<Response> =>
      Promise.resolve(
        api.app.request(
          '/api/v1/session',
          {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ token }),
          },
          from(address),
        ),
      );
    for (let i = 0; i < 10; i += 1) expect((await attempt('192.0.2.7', `guess-${i}`)).status).toBe(401);
    // Even the right token waits now: the limit counts attempts, not only failures.
    const limited = await attempt('192.0.2.7', TOKEN);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await limited.json()) as { error: { code: string } }).error.code).toBe('too-many-sign-ins');
    // Another address is not held up by it.
    expect((await attempt('192.0.2.8', TOKEN)).status).toBe(204);
  });

  it('every answer carries the protective headers (Hono secureHeaders)', async () => {
    for (const path of ['/', '/api/v1/session', '/healthz', '/api/v1/nothing-here']) {
      const { headers } = await request(path);
      expect(headers.get('content-security-policy'), path).toContain("frame-ancestors 'none'");
      expect(headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(headers.get('x-frame-options'), path).toBe('DENY');
      expect(headers.get('referrer-policy'), path).toBe('no-referrer');
      expect(headers.get('strict-transport-security'), path).toBeNull();
    }
  });

  it('signing out revokes the session', async () => {
    const cookie = await signIn();
    const out = await request('/api/v1/session', {
      method: 'DELETE',
      headers: { cookie, 'x-tidewatch-csrf': '1' },
    });
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toContain('Max-Age=0');
    expect((await request('/api/v1/containers', { headers: { cookie } })).status).toBe(401);
  });

  it('a forged or unknown session id is not signed in', async () => {
    const cookie = `tidewatch_session=${'A'.repeat(43)}`;
    expect((await request('/api/v1/containers', { headers: { cookie } })).status).toBe(401);
  });

  it('serves the built dashboard at / with a strict content security policy', async () => {
    const page = await request('/');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await page.text();
    const script = /src="\.\/(assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const asset = await request(`/${script ?? ''}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toContain('immutable');
    expect((await request('/assets/nope.js')).status).toBe(404);
  });
});
