import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, storeFile } from '../../src/store/index.js';
import { labDocker, uniqueName } from '../lab/index.js';
import { contrastViolations, launchChromium, type ContrastViolation } from '../support/browser.js';
import { startDaemon, type Daemon } from '../support/daemon.js';
import { containerWithUpdate, eventually, type UpdateSetup } from '../support/images.js';
import { useLab } from '../support/lab.js';
import { logLines } from '../support/tidewatch.js';

const ARTIFACTS = join(process.cwd(), 'test-artifacts', 'dashboard-actions');
const TOKEN = 'dashboard-actions-token-0123456789';
/** More than a page of the history view (100): the rest comes with "Show older". */
const SEEDED = 130;

/** The attribute `name` of every element `locator` matches, in document order. */
async function attributes(locator: Locator, name: string): Promise<string[]> {
  return Promise.all((await locator.all()).map(async (one) => (await one.getAttribute(name)) ?? ''));
}

interface Row {
  name: string;
  status: string;
  currentDigest: string | null;
  latestDigest: string | null;
  heldBack: { digest: string; reason: string } | null;
}

/**
 * What the dashboard does when a person acts, in a real browser against a real `tidewatch run`
 * (--api-only: nothing changes unless asked): "Check now" only checks; update, roll back, forget
 * and reject ask first and name the container and its digests; a digest that was rolled back is
 * held back, with Forget instead of Update; a start-first update's copies show inside its row;
 * the list sorts and groups; the history pages past 100 rows. What each action did is read back
 * from the engine and the API, not from the page alone.
 */
describe('dashboard actions in a browser', () => {
  const lab = useLab();
  const docker = labDocker();
  const dataDir = mkdtempSync(join(tmpdir(), 'tw-dashboard-actions-'));
  const scope = uniqueName('ua-scope');
  const project = uniqueName('shop');
  const names = {
    web: uniqueName('ua-web'),
    broken: uniqueName('ua-broken'),
    slow: uniqueName('ua-slow'),
    gated: uniqueName('ua-gated'),
    paged: uniqueName('ua-paged'),
  };
  const images: Record<string, string> = {};
  let daemon: Daemon | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let url = '';
  const violations: ContrastViolation[] = [];

  const api = async <T>(method: string, path: string): Promise<T> => {
    const response = await fetch(`${url}${path}`, { method, headers: { authorization: `Bearer ${TOKEN}` } });
    expect(response.ok, `${method} ${path}: ${response.status}`).toBe(true);
    return (await response.json()) as T;
  };
  const info = (name: string): Promise<Row> => api<Row>('GET', `/api/v1/containers/${name}`);
  const imageOf = async (name: string): Promise<string> => (await docker.getContainer(name).inspect()).Image;
  /** The image, or undefined while the name is free: between the rename and the create of a recreate. */
  const imageMidUpdate = (name: string): Promise<string | undefined> =>
    imageOf(name).catch((error: { statusCode?: number }) => {
      if (error.statusCode === 404) return undefined;
      throw error;
    });
  const row = (name: string): Locator => page.locator(`tr[data-container="${name}"]`);
  const dialog = (title: string): Locator => page.getByRole('dialog', { name: title });
  const toast = async (): Promise<string> =>
    `toast: ${
      (await page
        .locator('.toast')
        .textContent({ timeout: 1_000 })
        .catch(() => null)) ?? 'none'
    }`;
  const shot = async (view: string): Promise<void> => {
    await page.screenshot({ path: join(ARTIFACTS, `${view}.png`), fullPage: true });
  };
  /** A screenshot, and axe-core's contrast rule in the light and the dark theme. */
  const shotAndContrast = async (view: string): Promise<void> => {
    await shot(view);
    violations.push(...(await contrastViolations(page, view)));
    await page.emulateMedia({ colorScheme: 'dark' });
    await shot(`${view}-dark`);
    violations.push(...(await contrastViolations(page, `${view} (dark)`)));
    await page.emulateMedia({ colorScheme: 'light' });
  };

  /** Past updates of a container that no longer exists, written through the store as the updater does. */
  function seedHistory(): void {
    let now = Date.UTC(2026, 0, 1);
    const store = openStore(storeFile(dataDir), { clock: () => now });
    try {
      for (let i = 0; i < SEEDED; i++) {
        const id = store.journal.plan({
          containerName: names.paged,
          containerId: `seeded-${i}`,
          image: 'registry.local/paged:1',
          trigger: 'schedule',
          strategy: 'stop-first',
          fromDigest: `sha256:${'a'.repeat(64)}`,
          toDigest: `sha256:${i.toString(16).padStart(64, '0')}`,
        });
        for (const step of ['pulled', 'old-renamed', 'new-created', 'new-started', 'verifying'] as const)
          store.journal.advance(id, step);
        now += 60_000;
        store.journal.finish(id, 'committed');
      }
    } finally {
      store.close();
    }
  }

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    seedHistory();
    const inShop = { 'com.docker.compose.project': project };
    const update = async (name: string, setup: UpdateSetup): Promise<void> => {
      images[name] = await containerWithUpdate(lab.registry.host, scope, name, setup);
    };
    await update(names.web, { labels: inShop });
    await update(names.broken, {
      labels: inShop,
      next: { cmd: ['sh', '-c', 'echo "config file /etc/app.conf is missing" >&2; exit 3'] },
    });
    // start-first, and kept running 8 s before it counts as verified: its copy is seen in flight.
    await update(names.slow, {
      labels: { 'tidewatch.strategy': 'start-first', 'tidewatch.verify.window': '8s' },
    });
    await update(names.gated, { labels: { 'tidewatch.approve': 'true' } });
    daemon = await startDaemon(
      ['--api-only', '--scope', scope, '--stop-timeout', '1s', '--verify-window', '1s'],
      {
        TIDEWATCH_DATA_DIR: dataDir,
        TIDEWATCH_API_TOKEN: TOKEN,
      },
    );
    url = String(logLines(daemon.stderr()).find((line) => line.msg === 'api listening')?.url);
    // Before the browser: a rollback (the broken image), and an approval waiting for votes.
    await api('POST', `/api/v1/check?container=${names.broken},${names.gated}`);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${url}/`);
    await page.getByLabel('API token').fill(TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await row(names.web).waitFor();
  });

  afterAll(async () => {
    await browser?.close();
    await daemon?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('"Check now" only checks: updates are found and none is applied', async () => {
    await page.getByRole('button', { name: 'Check now' }).click();
    await page
      .getByRole('status')
      .getByText(/^Check now: \d+ checked, \d+ with an update \(nothing applied\)$/)
      .waitFor({
        timeout: 30_000,
      });
    await row(names.web).locator('.status', { hasText: 'update available' }).waitFor();
    await row(names.slow).locator('.status', { hasText: 'update available' }).waitFor();
    // Read back from the engine and the history: nothing moved.
    expect(await imageOf(names.web)).toBe(images[names.web]);
    expect(await imageOf(names.slow)).toBe(images[names.slow]);
    const history = await api<{ items: unknown[] }>('GET', `/api/v1/updates?container=${names.web}`);
    expect(history.items).toEqual([]);
    // Applying is its own button, which says how many it applies.
    expect(await page.getByRole('button', { name: /^Apply \d+ updates?…$/ }).isVisible()).toBe(true);
    await shot('checked');
  });

  it('a rolled-back digest is held back, with the time and reason, and Forget instead of Update', async () => {
    const broken = row(names.broken);
    await broken.locator('.status.held-back').waitFor();
    const text = await broken.locator('.held').textContent();
    expect(text).toMatch(/^rolled back at .+ \(.*exited with code 3.*\)$/);
    expect(await broken.getByRole('button', { name: 'Update' }).count()).toBe(0);
    const held = await info(names.broken);
    expect(held.heldBack?.digest).toBe(held.latestDigest);
    await shotAndContrast('held-back');

    await broken.getByRole('button', { name: 'Forget' }).click();
    const question = dialog(`Forget the rolled-back digests of ${names.broken}?`);
    await question.waitFor();
    expect(await question.textContent()).toContain((held.latestDigest ?? '').slice(7, 19));
    await shotAndContrast('confirm-forget');
    await question.getByRole('button', { name: 'Forget' }).click();
    await broken.getByRole('button', { name: 'Update' }).waitFor({ timeout: 15_000 });
    expect((await info(names.broken)).heldBack).toBeNull();
    const bad = await api<{ badDigests: unknown[] }>('GET', `/api/v1/containers/${names.broken}`);
    expect(bad.badDigests).toEqual([]);
  });

  it('Update asks first, naming the container and both digests; Cancel changes nothing', async () => {
    const web = await info(names.web);
    await row(names.web).getByRole('button', { name: 'Update' }).click();
    const question = dialog(`Update ${names.web}?`);
    await question.waitFor();
    const asked = (await question.textContent()) ?? '';
    expect(asked).toContain(names.web);
    expect(asked).toContain((web.currentDigest ?? '').slice(7, 19));
    expect(asked).toContain((web.latestDigest ?? '').slice(7, 19));
    await shot('confirm-update');
    // Escape, as Cancel: the question goes, nothing runs.
    await page.keyboard.press('Escape');
    await question.waitFor({ state: 'detached' });
    expect(await imageOf(names.web)).toBe(images[names.web]);
    expect((await api<{ items: unknown[] }>('GET', `/api/v1/updates?container=${names.web}`)).items).toEqual(
      [],
    );

    await row(names.web).getByRole('button', { name: 'Update' }).click();
    await question.getByRole('button', { name: 'Update' }).click();
    await row(names.web)
      .locator('.outcome', { hasText: /^committed$/ })
      .waitFor({ timeout: 60_000 });
    expect(await imageOf(names.web)).not.toBe(images[names.web]);
  });

  it("a start-first update's copy shows inside its container's row, never as a row", async () => {
    await api('POST', `/api/v1/containers/${names.slow}/update?wait=false`);
    const copy = row(names.slow).locator('li[data-copy]');
    // Seen first as created, perhaps, then running while it is verified (8 s).
    await row(names.slow)
      .locator('li[data-copy]', { hasText: /^new copy, verifying \(running\): .+-tidewatch-new-/ })
      .waitFor({ timeout: 30_000 });
    expect(await page.locator('tr[data-container*="-tidewatch-"]').count()).toBe(0);
    await shot('copy-in-row');
    await row(names.slow)
      .locator('.outcome', { hasText: /^committed$/ })
      .waitFor({ timeout: 60_000 });
    await copy.first().waitFor({ state: 'detached', timeout: 15_000 });
  });

  it('groups by project and by state, and sorts', async () => {
    await page.getByLabel('Group by').selectOption('project');
    const shop = page.locator(`tbody[data-group="${project}"]`);
    await shop.waitFor();
    expect(await attributes(shop.locator('tr[data-container]'), 'data-container')).toEqual(
      [names.broken, names.web].sort(),
    );
    // Containers of no project come last.
    const groups = await attributes(page.locator('tbody[data-group]'), 'data-group');
    expect(groups.at(-1)).toBe('no project');
    await shotAndContrast('grouped-by-project');

    await page.getByLabel('Group by').selectOption('state');
    await page.locator('tbody[data-group="up to date"]').waitFor();
    const states = await attributes(page.locator('tbody[data-group]'), 'data-group');
    // What needs a person first: the update still to apply before what is up to date.
    expect(states.indexOf('update available')).toBeLessThan(states.indexOf('up to date'));
    expect(
      await page
        .locator('tbody[data-group="up to date"]')
        .locator(`tr[data-container="${names.web}"]`)
        .count(),
    ).toBe(1);

    await page.getByLabel('Group by').selectOption('none');
    await page.getByLabel('Sort by').selectOption('updated');
    const order = await attributes(page.locator('tr[data-container]'), 'data-container');
    // The last updated (slow, then web) first.
    expect(order.slice(0, 2)).toEqual([names.slow, names.web]);
    await page.getByLabel('Sort by').selectOption('name');
  });

  it('Roll back asks, naming the digest it goes back to, and the one it leaves is held back', async () => {
    const before = await info(names.web);
    await row(names.web).getByRole('link', { name: names.web }).click();
    await page.getByRole('button', { name: 'Roll back' }).click();
    const question = dialog(`Roll back ${names.web}?`);
    await question.waitFor();
    const committed = await api<{ items: Array<{ fromDigest: string }> }>(
      'GET',
      `/api/v1/updates?container=${names.web}&outcome=committed`,
    );
    const asked = (await question.textContent()) ?? '';
    expect(asked, JSON.stringify(committed.items[0])).toContain(
      (committed.items[0]?.fromDigest ?? '').slice(7, 19),
    );
    await shotAndContrast('confirm-rollback');
    await question.getByRole('button', { name: 'Roll back' }).click();
    await eventually(
      () => imageMidUpdate(names.web),
      (image) => image === images[names.web],
      60_000,
    );
    // A check finds the digest just left: held back, not offered again.
    await page.getByRole('link', { name: 'Containers', exact: true }).click();
    await page.getByRole('button', { name: 'Check now' }).click();
    await row(names.web).locator('.status.held-back').waitFor({ timeout: 30_000 });
    expect((await info(names.web)).heldBack?.digest).toBe(before.latestDigest);
  });

  it('Reject asks first, naming the digest refused', async () => {
    await page.getByRole('link', { name: /^Approvals/ }).click();
    const card = page.locator('li.card', { hasText: names.gated });
    await card.waitFor({ timeout: 20_000 });
    await page.getByLabel('Voter name').fill('alice');
    await card.getByRole('button', { name: 'Reject' }).click();
    const question = dialog(`Reject the update of ${names.gated}?`);
    await question.waitFor();
    const approvals = await api<{ items: Array<{ id: number; toDigest: string; state: string }> }>(
      'GET',
      `/api/v1/approvals?container=${names.gated}`,
    );
    const approval = approvals.items[0];
    expect(await question.textContent()).toContain((approval?.toDigest ?? '').slice(7, 19));
    await shotAndContrast('confirm-reject');
    await question.getByRole('button', { name: 'Reject' }).click();
    await question.waitFor({ state: 'detached' });
    const decided = await eventually(
      () => api<{ state: string }>('GET', `/api/v1/approvals/${approval?.id}`),
      (answer) => answer.state === 'rejected',
      30_000,
    );
    // The toast says what the dashboard was answered (the vote's outcome, or why it failed).
    expect(decided.state, await toast()).toBe('rejected');
    expect(await imageOf(names.gated)).toBe(images[names.gated]);
  });

  it('pages the history past 100 rows with "Show older"', async () => {
    await page.getByRole('link', { name: 'History' }).click();
    const entries = page.locator(`li.entry:has-text("${names.paged}")`);
    await entries.first().waitFor();
    const first = await page.locator('li.entry').count();
    expect(first).toBe(100);
    await page.getByRole('button', { name: 'Show older' }).click();
    await eventually(
      () => page.locator('li.entry').count(),
      (count) => count > 100,
      10_000,
    );
    const all = await api<{ items: unknown[] }>('GET', '/api/v1/updates?limit=500');
    expect(await page.locator('li.entry').count()).toBe(all.items.length);
    // Each record once, newest first.
    const ids = (await attributes(page.locator('li.entry'), 'data-update')).map(Number);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    expect(await page.getByRole('button', { name: 'Show older' }).count()).toBe(0);
    await shot('history-paged');
  });

  it('meets WCAG AA contrast in every state shown, light and dark', () => {
    expect(violations).toEqual([]);
  });
});
