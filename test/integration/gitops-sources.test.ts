import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseGitopsSources } from '../../src/config/index.js';
import { silentLogger } from '../../src/log/index.js';
import { applySource, type ApplyDeps } from '../../src/gitops/index.js';
import type { CycleDeps } from '../../src/updater/index.js';
import { LAB_LABEL, RUN_ID, buildAndPush, labDocker, uniqueName } from '../lab/index.js';
import { git } from '../support/git-repo.js';
import { useLab } from '../support/lab.js';
import { tempStore, tidewatchDeps } from '../support/tidewatch.js';

const run = promisify(execFile);

describe('GitOps sources', () => {
  const docker = labDocker();
  const lab = useLab();
  const temp = mkdtempSync(join(tmpdir(), 'tidewatch-gitops-'));
  const repo = join(temp, 'stacks');
  const project = uniqueName('gops');
  let store: ReturnType<typeof tempStore>;
  let cycleDeps: CycleDeps;
  let deps: ApplyDeps;
  let image: string;

  beforeAll(async () => {
    store = tempStore();
    cycleDeps = await tidewatchDeps();
    deps = {
      engine: cycleDeps.engine,
      logger: silentLogger(),
      journal: store.store.journal,
      root: join(temp, 'work'),
    };
    image = `${lab.registry.host}/${uniqueName('gitops')}:1`;
    await buildAndPush(image);
    mkdirSync(join(repo, 'apps', project), { recursive: true });
    await git(repo, 'init', '-q', '-b', 'main');
  });
  afterAll(async () => {
    const file = join(repo, 'apps', project, 'docker-compose.yml');
    await run('docker-compose', ['-p', project, '-f', file, 'down', '--timeout', '1'], { cwd: temp }).catch(
      () => undefined,
    );
    store?.close();
    rmSync(temp, { recursive: true, force: true });
  });

  const service = (name: string): string => `  ${name}:
    image: ${image}
    stop_grace_period: 1s
    labels:
      ${LAB_LABEL}: "${RUN_ID}"
`;
  async function commit(body: string, message: string): Promise<string> {
    writeFileSync(join(repo, 'apps', project, 'docker-compose.yml'), body);
    await git(repo, 'add', '-A');
    await git(repo, 'commit', '-q', '-m', message);
    return git(repo, 'rev-parse', 'HEAD');
  }
  const [source] = parseGitopsSources(
    [`url=file://${repo},branch=main,path=apps,interval=1m,name=stacks`],
    'test',
  );
  const container = (svc: string) => docker.getContainer(`${project}_${svc}_1`).inspect();
  const history = () => store.store.history.list({ container: `gitops:${project}`, limit: 10 }).items;

  it('deploys the first commit, then a new commit that adds a service, which then runs', async () => {
    if (!source) throw new Error('no source parsed');
    const first = await commit(`# stacks\nservices:\n${service('web')}`, 'web only');
    const applied = await applySource(deps, source);
    expect(applied, JSON.stringify(applied)).toMatchObject({
      kind: 'applied',
      commit: { id: first, message: 'web only' },
    });
    const web = await container('web');
    expect(web.State.Running).toBe(true);

    // Nothing new: nothing done.
    expect(await applySource(deps, source)).toEqual({ kind: 'unchanged', commit: first });

    const second = await commit(`# stacks\nservices:\n${service('web')}${service('api')}`, 'add the api');
    const next = await applySource(deps, source);
    expect(next).toMatchObject({ kind: 'applied', commit: { id: second } });
    expect((await container('api')).State.Running).toBe(true);
    // The unchanged service was left alone.
    expect((await container('web')).Id).toBe(web.Id);

    const [latest, earlier] = history();
    expect(latest).toMatchObject({
      state: 'committed',
      trigger: 'gitops',
      fromTag: first,
      toTag: second,
      reason: 'add the api; api: running, web: running',
    });
    expect(latest?.image).toBe(`file://${repo}#main:apps/${project}`);
    expect(earlier).toMatchObject({ state: 'committed', toTag: first, reason: 'web only; web: running' });
  });

  it('reports a commit with a broken compose file and keeps the previous state running', async () => {
    if (!source) throw new Error('no source parsed');
    const before = [await container('web'), await container('api')];
    // An unclosed list: compose cannot even read it.
    const broken = await commit(
      `services:\n  web:\n    image: ${image}\n    ports: ["8080:80"\n${service('api')}`,
      'break it',
    );
    const result = await applySource(deps, source);
    expect(result).toMatchObject({ kind: 'failed', commit: { id: broken } });
    if (result.kind !== 'failed') throw new Error('expected a failure');
    expect(result.reason).toContain('does not validate; the last good commit keeps running');

    const after = [await container('web'), await container('api')];
    expect(after.map((item) => item.Id)).toEqual(before.map((item) => item.Id));
    expect(after.every((item) => item.State.Running)).toBe(true);
    const [latest] = history();
    expect(latest).toMatchObject({ state: 'failed', trigger: 'gitops', toTag: broken });
    expect(latest?.reason).toContain('invalid compose file');

    // The broken commit is not retried as if it were applied, and a fix applies again.
    const fixed = await commit(`# stacks\nservices:\n${service('web')}${service('api')}`, 'fix it');
    expect(await applySource(deps, source)).toMatchObject({ kind: 'applied', commit: { id: fixed } });
    expect((await container('web')).Id).toBe(before[0]?.Id);
  });

  it('puts back what drifted from the last good commit: a service removed and one stopped by hand', async () => {
    if (!source) throw new Error('no source parsed');
    const at = await git(repo, 'rev-parse', 'HEAD');
    await docker.getContainer(`${project}_api_1`).remove({ force: true });
    await docker.getContainer(`${project}_web_1`).stop({ t: 1 });

    const result = await applySource(deps, source);
    expect(result).toMatchObject({ kind: 'unchanged', commit: at, corrected: [{ project, ok: true }] });
    // Read back from the engine: both run again.
    expect((await container('web')).State.Running).toBe(true);
    expect((await container('api')).State.Running).toBe(true);
    const [latest] = history();
    expect(latest).toMatchObject({ state: 'committed', trigger: 'gitops', fromTag: at, toTag: at });
    expect(latest?.reason).toMatch(/^drift corrected: api: removed, web: stopped; /);

    // Converged: the next interval finds nothing to correct.
    expect(await applySource(deps, source)).toEqual({ kind: 'unchanged', commit: at });
  });

  it('rolls a commit back when a container it starts does not verify, and records both', async () => {
    if (!source) throw new Error('no source parsed');
    const verified = { ...deps, verify: { timeoutMs: 30_000, windowMs: 3_000 } };
    const good = await git(repo, 'rev-parse', 'HEAD');
    const before = [await container('web'), await container('api')];
    const crash = `  crash:
    image: ${image}
    command: ["sh", "-c", "echo cannot start; sleep 1; exit 3"]
    labels:
      ${LAB_LABEL}: "${RUN_ID}"
`;
    const bad = await commit(
      `# stacks\nservices:\n${service('web')}${service('api')}${crash}`,
      'add a crash',
    );

    const result = await applySource(verified, source);
    expect(result).toMatchObject({ kind: 'failed', commit: { id: bad } });
    const [latest] = history();
    expect(latest).toMatchObject({ state: 'rolled-back', trigger: 'gitops', fromTag: good, toTag: bad });
    expect(latest?.reason).toMatch(/crash did not verify: .*exit.*; back to /);
    expect(latest?.logs).toContain('cannot start');
    // Back to the last good commit's state, read from the engine: the added service is gone, and
    // the others were never touched.
    await expect(container('crash')).rejects.toThrow(/no such container/i);
    const after = [await container('web'), await container('api')];
    expect(after.map((item) => item.Id)).toEqual(before.map((item) => item.Id));
    expect(after.every((item) => item.State.Running)).toBe(true);
  });
});
