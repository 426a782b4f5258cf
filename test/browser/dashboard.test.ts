import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniqueName } from '../lab/index.js';
import { startDaemon, type Daemon } from '../support/daemon.js';
import { containerWithUpdate, eventually, type UpdateSetup } from '../support/images.js';
import { useLab } from '../support/lab.js';
import { launchChromium } from '../support/browser.js';
import { logLines } from '../support/tidewatch.js';

/** Screenshots of every view, kept as test artefacts (test-artifacts/ is not committed). */
const ARTIFACTS = join(process.cwd(), 'test-artifacts', 'dashboard');
const TOKEN = 'dashboard-test-token-0123456789';
const SOURCE = 'https://github.com/acme/ui-gated';
const ociLabels = (version: string, revision: string): Record<string, string> => ({
  'org.opencontainers.image.source': SOURCE,
  'org.opencontainers.image.version': version,
  'org.opencontainers.image.revision': revision,
});

/**
 * The dashboard in a real browser against a real `tidewatch run` on the lab: sign in, see the
 * containers, update one and watch its row change live, approve a pending update, read a rollback's
 * reason and logs. The daemon runs with --api-only so nothing changes unless the test asks.
 */
describe('the dashboard in a browser', () => {
  const lab = useLab();
  const dataDir = mkdtempSync(join(tmpdir(), 'tw-dashboard-'));
  const scope = uniqueName('ui-scope');
  const names = {
    web: uniqueName('ui-web'),
    gated: uniqueName('ui-gated'),
    broken: uniqueName('ui-broken'),
    unsigned: uniqueName('ui-unsigned'),
  };
  let daemon: Daemon | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let url = '';

  const api = async (method: string, path: string): Promise<Response> =>
    fetch(`${url}${path}`, { method, headers: { authorization: `Bearer ${TOKEN}` } });

  const shot = async (view: string): Promise<void> => {
    await page.screenshot({ path: join(ARTIFACTS, `${view}.png`), fullPage: true });
  };

  const row = (name: string): Locator => page.locator(`tr[data-container="${name}"]`);

  /** Waits until an element under `scope` shows exactly `text` (the page changes it live). */
  const textIn = async (scope: Locator, selector: string, text: string, timeout = 15_000): Promise<void> => {
    await scope.locator(selector, { hasText: new RegExp(`^${text}$`) }).waitFor({ timeout });
  };

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    const update = (name: string, setup: UpdateSetup): Promise<string> =>
      containerWithUpdate(lab.registry.host, scope, name, setup);
    await update(names.web, {});
    // OCI labels as CI writes them: the approval card links the release and the changes.
    await update(names.gated, {
      labels: { 'tidewatch.approve': 'true' },
      current: { labels: ociLabels('v1.0.0', 'aaaa1111') },
      next: { labels: ociLabels('v1.1.0', 'bbbb2222') },
    });
    await update(names.broken, {
      next: {
        cmd: ['sh', '-c', 'echo starting up; echo "config file /etc/app.conf is missing" >&2; exit 3'],
      },
    });
    // Its new image is not signed by the trusted key (nor at all): refused, with the reason.
    await update(names.unsigned, { labels: { 'tidewatch.verify.signature': 'true' } });
    const keyFile = join(dataDir, 'cosign.pub');
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    writeFileSync(keyFile, publicKey.export({ type: 'spki', format: 'pem' }));
    daemon = await startDaemon(['--api-only', '--scope', scope, '--stop-timeout', '1s'], {
      TIDEWATCH_DATA_DIR: dataDir,
      TIDEWATCH_API_TOKEN: TOKEN,
      TIDEWATCH_SIGNATURE_KEY: keyFile,
    });
    url = String(logLines(daemon.stderr()).find((line) => line.msg === 'api listening')?.url);
    // Before the browser opens: a rollback to read, and an approval to vote on.
    const first = `${names.broken},${names.gated},${names.unsigned}`;
    expect((await api('POST', `/api/v1/check?container=${first}`)).status).toBe(200);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  });

  afterAll(async () => {
    await browser?.close();
    await daemon?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('signs in with the token and lists the containers', async () => {
    await page.goto(`${url}/`);
    await page.getByLabel('API token').waitFor();
    await shot('sign-in');
    await page.getByLabel('API token').fill('not-the-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('That token is not right.').waitFor();

    await page.getByLabel('API token').fill(TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await row(names.web).waitFor();
    await textIn(row(names.broken), '.outcome', 'rolled-back');
    // The unsigned image is not deployed, and the row says why.
    await row(names.unsigned)
      .getByText('signature required: not signed: it has no cosign signature')
      .waitFor({ timeout: 15_000 });
    // The waiting update's row links its release notes and its changes (docs/release-links.md).
    const changes = row(names.gated).getByRole('link', { name: 'Changes' });
    expect(await changes.getAttribute('href')).toBe(`${SOURCE}/compare/aaaa1111...bbbb2222`);
    expect(await row(names.web).locator('.release-links').count()).toBe(0);
    // The cookie holds a session id, and the page cannot read it.
    const cookies = await page.context().cookies();
    expect(cookies.find((cookie) => cookie.name === 'tidewatch_session')).toMatchObject({
      httpOnly: true,
      sameSite: 'Strict',
    });
    expect(await page.evaluate('document.cookie')).toBe('');
    await shot('containers');
  });

  it('"Update" changes the row live, without a reload', async () => {
    await page.evaluate('window.__sameDocument = true');
    await row(names.web).getByRole('button', { name: 'Update' }).click();
    // Asked first (test/browser/dashboard-actions.test.ts covers what the question names).
    await page
      .getByRole('dialog', { name: `Update ${names.web}?` })
      .getByRole('button', { name: 'Update' })
      .click();
    await textIn(row(names.web), '.outcome', 'committed', 60_000);
    await textIn(row(names.web), '.status', 'up to date');
    expect(await page.evaluate('window.__sameDocument')).toBe(true);
    await shot('containers-after-update');
  });

  it('approves a pending update, which then runs', async () => {
    await page.getByRole('link', { name: /Approvals/ }).click();
    const card = page.locator('li.card', { hasText: names.gated });
    await card.waitFor();
    // What a person reads before voting, opened in a new tab without an opener.
    const release = card.getByRole('link', { name: 'Release notes' });
    expect(await release.getAttribute('href')).toBe(`${SOURCE}/releases/tag/v1.1.0`);
    expect(await release.getAttribute('rel')).toBe('noopener noreferrer');
    expect(await card.getByRole('link', { name: 'Changes' }).getAttribute('href')).toBe(
      `${SOURCE}/compare/aaaa1111...bbbb2222`,
    );
    // The API says the same: GET /api/v1/approvals and GET /api/v1/containers/NAME.
    const listed = (await (await api('GET', `/api/v1/approvals?container=${names.gated}`)).json()) as {
      items: Array<{ releaseLinks: unknown }>;
    };
    const links = {
      source: SOURCE,
      release: `${SOURCE}/releases/tag/v1.1.0`,
      compare: `${SOURCE}/compare/aaaa1111...bbbb2222`,
    };
    expect(listed.items[0]?.releaseLinks).toEqual(links);
    const info = (await (await api('GET', `/api/v1/containers/${names.gated}`)).json()) as Record<
      string,
      unknown
    >;
    expect(info.releaseLinks).toEqual(links);
    await page.getByLabel('Voter name').fill('alice');
    await shot('approvals');
    await card.getByRole('button', { name: 'Approve' }).click();
    const committed = await eventually(
      async () =>
        (await (await api('GET', `/api/v1/updates?container=${names.gated}`)).json()) as {
          items: Array<{ state: string }>;
        },
      (page) => page.items[0]?.state === 'committed',
      60_000,
    );
    expect(committed.items[0]?.state).toBe('committed');
    await card.waitFor({ state: 'detached', timeout: 20_000 }).catch(async (error: unknown) => {
      await shot('approvals-debug');
      throw error;
    });
  });

  it("opens a rollback's reason and the failed container's logs", async () => {
    await page.getByRole('link', { name: 'Containers', exact: true }).click();
    await row(names.broken).getByRole('link', { name: names.broken }).click();
    const rollback = page.getByRole('article', { name: 'Last rollback' });
    await rollback.waitFor();
    expect(await rollback.locator('.reason').textContent()).toContain('exited with code 3');
    expect(await rollback.locator('pre.logs').textContent()).toContain(
      'config file /etc/app.conf is missing',
    );
    await shot('container-rollback');
  });

  it('shows the history timeline, on a phone and in dark mode too', async () => {
    await page.getByRole('link', { name: 'History' }).click();
    await page.locator(`li.entry:has-text("${names.web}")`).first().waitFor();
    // The refused digest is in the history too, with its reason.
    const refused = page.locator(`li.entry:has-text("${names.unsigned}")`);
    await refused.getByText('Why').click();
    expect(await refused.locator('.reason').textContent()).toBe(
      'signature required: not signed: it has no cosign signature',
    );
    await shot('history');
    await page.emulateMedia({ colorScheme: 'dark' });
    await shot('history-dark');
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole('link', { name: 'Containers', exact: true }).click();
    await row(names.web).waitFor();
    await shot('containers-phone-dark');
    // Phone width: every cell is labelled, the table header is hidden.
    expect(await page.locator('table.containers thead').isVisible()).toBe(false);
  });
});
