import { execFile } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi, type Api } from '../../src/api/index.js';
import { parseGitopsSources } from '../../src/config/index.js';
import type { TidewatchEvent } from '../../src/events/index.js';
import { GitopsService, registerGitops } from '../../src/gitops/index.js';
import { silentLogger } from '../../src/log/index.js';
import { buildAndPush, labDocker, uniqueName } from '../lab/index.js';
import { TOKEN, daemonHarness, type DaemonHarness } from '../support/api.js';
import { composeRepo } from '../support/git-repo.js';
import { useLab } from '../support/lab.js';

const run = promisify(execFile);

describe('the git webhook applies a GitOps source at once', () => {
  const lab = useLab();
  const temp = mkdtempSync(join(tmpdir(), 'tidewatch-gitops-hook-'));
  const repo = join(temp, 'stacks');
  const project = uniqueName('ghook');
  const file = join(repo, project, 'docker-compose.yml');
  let harness: DaemonHarness;
  let api: Api;
  let service: GitopsService;
  const seen: TidewatchEvent[] = [];

  beforeAll(async () => {
    harness = await daemonHarness();
    harness.events.subscribe((event) => seen.push(event));
    const image = `${lab.registry.host}/${uniqueName('ghook')}:1`;
    await buildAndPush(image);
    await composeRepo(repo, file, image);
    const sources = parseGitopsSources([`url=file://${repo},branch=main,name=stacks`], 'test');
    service = new GitopsService(
      {
        engine: harness.daemon.deps.engine,
        logger: silentLogger(),
        journal: harness.store.journal,
        root: join(temp, 'work'),
      },
      sources,
    );
    // As `run` does, without its poll: only the webhook applies here.
    registerGitops(harness.events, service);
    api = createApi(harness.daemon);
  });
  afterAll(async () => {
    api?.close();
    await service?.stop();
    await run('docker-compose', ['-p', project, '-f', file, 'down', '--timeout', '1'], { cwd: temp }).catch(
      () => undefined,
    );
    await harness?.close();
    rmSync(temp, { recursive: true, force: true });
  });

  const push = (branch: string) =>
    JSON.stringify({ ref: `refs/heads/${branch}`, repository: { clone_url: `file://${repo}` } });
  const post = (body: string, headers: Record<string, string>) =>
    api.app.request('/api/v1/webhooks/git', {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', ...headers },
    });
  const sign = (body: string) => createHmac('sha256', TOKEN).update(body).digest('hex');

  it('refuses unsigned or wrongly signed deliveries, ignores other branches, and applies a signed push', async () => {
    const body = push('main');
    expect((await post(body, {})).status).toBe(401);
    expect((await post(body, { 'x-hub-signature-256': `sha256=${sign('other')}` })).status).toBe(401);
    expect((await post(body, { 'x-gitlab-token': 'wrong' })).status).toBe(401);

    const other = push('dev');
    const ignored = await post(other, { 'x-gitea-signature': sign(other) });
    expect(ignored.status).toBe(200);
    expect(await ignored.json()).toMatchObject({ accepted: [] });

    const accepted = await post(body, { 'x-hub-signature-256': `sha256=${sign(body)}` });
    expect(accepted.status).toBe(202);
    expect(await accepted.json()).toEqual({ accepted: ['stacks'] });
    // The apply the webhook started (apply() joins the one in flight).
    await service.apply('stacks');
    const web = await labDocker().getContainer(`${project}_web_1`).inspect();
    expect(web.State.Running).toBe(true);

    // Reported like an update: in history, and as update-step events.
    const [record] = harness.store.history.list({ container: `gitops:${project}`, limit: 1 }).items;
    expect(record).toMatchObject({
      state: 'committed',
      trigger: 'gitops',
      reason: 'first deploy; web: running',
    });
    expect(
      seen.some(
        (event) => event.type === 'update-step' && event.update.containerName === `gitops:${project}`,
      ),
    ).toBe(true);

    // GitLab's token: accepted; the commit is applied already, so nothing changes.
    expect((await post(body, { 'x-gitlab-token': TOKEN })).status).toBe(202);
    expect(await service.apply('stacks')).toMatchObject({ kind: 'unchanged' });
  });
});
