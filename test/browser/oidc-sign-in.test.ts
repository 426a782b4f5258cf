import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Provider from 'oidc-provider';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAndPush, labDocker, runContainer, uniqueName } from '../lab/index.js';
import { launchChromium } from '../support/browser.js';
import { startDaemon, type Daemon } from '../support/daemon.js';
import { apiUrlOf } from '../support/fleet.js';
import { eventually, publishUpdate } from '../support/images.js';
import { useLab } from '../support/lab.js';
import { runCli } from '../support/tidewatch.js';

const TOKEN = 'oidc-test-admin-token-0123456789';
const CLIENT_SECRET = 'oidc-test-client-secret-0123456789';

interface Approval {
  readonly id: number;
  readonly state: string;
  readonly votes: ReadonlyArray<{ voter: string; vote: string }>;
}

/**
 * Sign-in through a real OpenID Connect provider (oidc-provider, on loopback, with its own HTML
 * login form), then issue 21's promise: two people approve one update in two browsers, the update
 * runs, and what is recorded names both. Accounts are whoever logs in (devInteractions): Tidewatch
 * lets in only the subjects alice and bob.
 */
describe('dashboard sign-in with OIDC', () => {
  const lab = useLab();
  const dir = mkdtempSync(join(tmpdir(), 'tw-oidc-'));
  const scope = uniqueName('oidc-scope');
  const name = uniqueName('oidc-gated');
  let provider: Provider | undefined;
  let server: Server | undefined;
  let daemon: Daemon | undefined;
  let browser: Browser | undefined;
  let url = '';
  let nextImageId = '';

  const api = async (method: string, path: string, token = TOKEN): Promise<Response> =>
    fetch(`${url}${path}`, { method, headers: { authorization: `Bearer ${token}` } });

  beforeAll(async () => {
    // The provider's port first: the daemon is started with its issuer URL, the provider is made
    // once the daemon's callback URL is known (discovery waits for the first sign-in).
    const handler: { serve?: (req: IncomingMessage, res: ServerResponse) => void } = {};
    server = createServer((req, res) => handler.serve?.(req, res));
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    const image = `${lab.registry.host}/${name}:1.0`;
    await buildAndPush(image);
    await runContainer(name, image, { Labels: { 'tidewatch.scope': scope, 'tidewatch.approve': '2' } });
    nextImageId = (await publishUpdate(image)).imageId;

    const secretFile = join(dir, 'client-secret');
    writeFileSync(secretFile, CLIENT_SECRET, { mode: 0o600 });
    daemon = await startDaemon(['--api-only', '--scope', scope, '--stop-timeout', '1s'], {
      TIDEWATCH_DATA_DIR: join(dir, 'data'),
      TIDEWATCH_API_TOKEN: TOKEN,
      TIDEWATCH_OIDC_ISSUER: issuer,
      TIDEWATCH_OIDC_CLIENT_ID: 'tidewatch',
      TIDEWATCH_OIDC_CLIENT_SECRET_FILE: secretFile,
      TIDEWATCH_OIDC_ALLOWED_SUBJECTS: 'alice,bob',
    });
    url = apiUrlOf(daemon);
    provider = new Provider(issuer, {
      clients: [
        {
          client_id: 'tidewatch',
          client_secret: CLIENT_SECRET,
          redirect_uris: [`${url}/auth/oidc/callback`],
          grant_types: ['authorization_code'],
          response_types: ['code'],
        },
      ],
      // Anyone who logs in is an account named as they typed it.
      findAccount: (_ctx, id) => ({
        accountId: id,
        claims: () => ({ sub: id, preferred_username: id }),
      }),
      claims: { openid: ['sub'], profile: ['preferred_username'] },
      // The profile claims in the ID token itself, where Tidewatch reads them.
      conformIdTokenClaims: false,
      features: { devInteractions: { enabled: true } },
      cookies: { keys: ['oidc-test-cookie-key'] },
    });
    const callback = provider.callback();
    handler.serve = (req, res) => void callback(req, res);
    // The approval to vote on.
    expect((await api('POST', `/api/v1/check?container=${name}`)).status).toBe(200);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await daemon?.stop();
    await new Promise((resolve) => server?.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  /** A fresh browser context signed in at the provider as `login`. */
  async function signIn(login: string): Promise<Page> {
    const context = await browser!.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.goto(`${url}/`);
    await page.getByRole('link', { name: /^Sign in with 127\.0\.0\.1:/ }).click();
    await page.locator('input[name="login"]').fill(login);
    await page.locator('input[name="password"]').fill('any password');
    await page.locator('button[type="submit"]').click();
    // The provider's consent page, the first time a client asks.
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.locator('.who').waitFor({ timeout: 15_000 });
    return page;
  }

  const pendingApproval = async (): Promise<Approval> => {
    const listed = (await (await api('GET', `/api/v1/approvals?state=all&container=${name}`)).json()) as {
      items: Approval[];
    };
    const approval = listed.items[0];
    if (approval === undefined) throw new Error('no approval');
    return approval;
  };

  it('two people approve in two browsers; the update runs and both are named', async () => {
    const alice = await signIn('alice');
    expect(await alice.locator('.who').textContent()).toBe('oidc:alice (operator)');
    await alice.getByRole('link', { name: /Approvals/ }).click();
    await alice.getByText('Voting as oidc:alice').waitFor();
    await alice.locator('li.card', { hasText: name }).getByRole('button', { name: 'Approve' }).click();
    const half = await eventually(pendingApproval, (found) => found.votes.length === 1, 15_000);
    expect(half).toMatchObject({ state: 'pending', votes: [{ voter: 'oidc:alice', vote: 'approve' }] });

    const bob = await signIn('bob');
    expect(await bob.locator('.who').textContent()).toBe('oidc:bob (operator)');
    await bob.getByRole('link', { name: /Approvals/ }).click();
    await bob.locator('li.card', { hasText: name }).getByRole('button', { name: 'Approve' }).click();

    const history = await eventually(
      async () =>
        (await (await api('GET', `/api/v1/updates?container=${name}`)).json()) as {
          items: Array<{ state: string; actor: string; approvedBy: string[] }>;
        },
      (page) => page.items[0]?.state === 'committed',
      60_000,
    );
    // The vote that decided makes the update; its history names everyone who approved it.
    expect(history.items[0]).toMatchObject({
      state: 'committed',
      actor: 'oidc:bob',
      approvedBy: ['oidc:alice', 'oidc:bob'],
    });
    expect(await pendingApproval()).toMatchObject({
      state: 'applied',
      votes: [
        { voter: 'oidc:alice', vote: 'approve' },
        { voter: 'oidc:bob', vote: 'approve' },
      ],
    });
    // The dashboard's history names who made it and both people who approved it.
    await bob.getByRole('link', { name: 'History', exact: true }).click();
    await bob
      .getByText('by oidc:bob, approved by oidc:alice and oidc:bob')
      .first()
      .waitFor({ timeout: 15_000 });
    // Read back from the engine: the container runs the new image.
    expect((await labDocker().getContainer(name).inspect()).Image).toBe(nextImageId);
  });

  it('refuses a provider account that is not allowed', async () => {
    const context = await browser!.newContext();
    const page = await context.newPage();
    await page.goto(`${url}/`);
    await page.getByRole('link', { name: /^Sign in with/ }).click();
    await page.locator('input[name="login"]').fill('mallory');
    await page.locator('input[name="password"]').fill('any password');
    await page.locator('button[type="submit"]').click();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByText('mallory is not among the allowed subjects or groups').waitFor({ timeout: 15_000 });
    await context.close();
  });

  it('a viewer signed in with a named token gets 403 on a change', async () => {
    const env = { TIDEWATCH_DATA_DIR: join(dir, 'data') };
    const viewer = (await runCli(['token', 'create', 'victor', '--role', 'viewer'], env)).stdout.trim();
    const signIn = await fetch(`${url}/api/v1/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: viewer }),
    });
    expect(signIn.status).toBe(204);
    const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const session = await (await fetch(`${url}/api/v1/session`, { headers: { cookie } })).json();
    expect(session).toMatchObject({ signedIn: true, name: 'victor', role: 'viewer' });
    const refused = await fetch(`${url}/api/v1/check?wait=false`, {
      method: 'POST',
      headers: { cookie, 'x-tidewatch-csrf': '1' },
    });
    expect(refused.status).toBe(403);
    expect((await api('GET', '/api/v1/containers', viewer)).status).toBe(200);
  });
});
