import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCycle, type CycleDeps } from '../../src/updater/index.js';
import { LAB_LABEL, RUN_ID, buildAndPush, labDocker, uniqueName } from '../lab/index.js';
import { publishUpdate } from '../support/images.js';
import { useLab } from '../support/lab.js';
import { tempStore, tidewatchDeps } from '../support/tidewatch.js';

const run = promisify(execFile);

/** Debian's compose v1, the one compose CLI on this machine, on the lab engine (DOCKER_HOST). */
async function compose(dir: string, project: string, ...args: string[]): Promise<string> {
  const { stdout } = await run(
    'docker-compose',
    ['-p', project, '-f', join(dir, 'docker-compose.yml'), ...args],
    {
      cwd: dir,
      env: process.env,
    },
  );
  return stdout;
}

describe('compose projects', () => {
  const docker = labDocker();
  const lab = useLab();
  const projects: Array<{ dir: string; project: string }> = [];
  let store: ReturnType<typeof tempStore>;
  let deps: CycleDeps;

  beforeAll(async () => {
    store = tempStore();
    deps = { ...(await tidewatchDeps({ stopTimeout: '1s' })), store: store.store };
  });
  afterAll(async () => {
    for (const { dir, project } of projects) {
      await compose(dir, project, 'down', '--timeout', '1').catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    }
    store?.close();
  });

  /** Writes the project's compose file in a temp dir and starts it with `up -d`. */
  async function startProject(
    body: (labels: string) => string,
  ): Promise<{ dir: string; project: string; file: string }> {
    const dir = mkdtempSync(join(tmpdir(), 'tidewatch-compose-'));
    const project = uniqueName('proj');
    projects.push({ dir, project });
    const file = join(dir, 'docker-compose.yml');
    writeFileSync(file, body(`      ${LAB_LABEL}: "${RUN_ID}"`));
    await compose(dir, project, 'up', '-d');
    return { dir, project, file };
  }

  const cycle = async (name: string, update: boolean) =>
    (
      await runCycle(deps, { names: [name], update, signal: AbortSignal.timeout(120_000), trigger: 'cli' })
    ).entries.find((entry) => entry.name === name);

  it('a digest move keeps every compose label: a later docker-compose up -d recreates nothing', async () => {
    const repo = `${lab.registry.host}/${uniqueName('compose-digest')}`;
    await buildAndPush(`${repo}:stable`);
    const { dir, project } = await startProject(
      (labels) => `services:
  app:
    image: ${repo}:stable
    stop_grace_period: 1s
    labels:
${labels}
`,
    );
    const name = `${project}_app_1`;
    const before = await docker.getContainer(name).inspect();
    const pushed = await publishUpdate(`${repo}:stable`);

    const updated = await cycle(name, true);
    expect(updated, updated?.reason).toMatchObject({ action: 'updated' });
    const after = await docker.getContainer(name).inspect();
    expect(after.Id).not.toBe(before.Id);
    expect(after.Image).toBe(pushed.imageId);
    // Every compose label is there, the config hash refreshed for the new image.
    const composeLabels = (labels: Record<string, string>) =>
      Object.entries(labels).filter(
        ([key]) => key.startsWith('com.docker.compose.') && !key.endsWith('config-hash'),
      );
    expect(composeLabels(after.Config.Labels)).toEqual(composeLabels(before.Config.Labels));

    await compose(dir, project, 'up', '-d');
    const again = await docker.getContainer(name).inspect();
    expect(again.Id).toBe(after.Id);
    expect(again.Image).toBe(pushed.imageId);
    expect(again.State.Running).toBe(true);
  });

  it('a tag move with write-back changes only the tag in the compose file, and compose runs the new tag', async () => {
    const repo = `${lab.registry.host}/${uniqueName('compose-tag')}`;
    await buildAndPush(`${repo}:1.0.0`);
    const next = await publishUpdate(`${repo}:1.1.0`);
    await publishUpdate(`${repo}:2.0.0`);
    const { dir, project, file } = await startProject(
      (labels) => `# Deployed by hand; Tidewatch keeps the tag current.
services:
  db:
    image: "${repo}:1.0.0"   # the database, pinned
    stop_grace_period: 1s
    labels:
${labels}
  web:
    depends_on: [db]
    image: ${repo}:1.0.0 # follows minor releases
    stop_grace_period: 1s
    labels:
${labels}
      tidewatch.policy: minor
      tidewatch.compose.write-back: "true"
`,
    );
    const original = readFileSync(file, 'utf8');
    const name = `${project}_web_1`;
    const db = await docker.getContainer(`${project}_db_1`).inspect();

    expect(await cycle(name, false)).toMatchObject({ status: 'update-available', latestTag: '1.1.0' });
    const updated = await cycle(name, true);
    expect(updated, updated?.reason).toMatchObject({ action: 'updated' });

    // The diff is the one tag: comments, quoting and the other service untouched.
    const expected = original.replace(`image: ${repo}:1.0.0 # follows`, `image: ${repo}:1.1.0 # follows`);
    expect(expected).not.toBe(original);
    expect(readFileSync(file, 'utf8')).toBe(expected);

    const web = await docker.getContainer(name).inspect();
    expect(web.Config.Image).toBe(`${repo}:1.1.0`);
    expect(web.Image).toBe(next.imageId);
    expect(web.State.Running).toBe(true);
    // --no-deps: the dependency was not recreated.
    expect((await docker.getContainer(`${project}_db_1`).inspect()).Id).toBe(db.Id);
    const [record] = store.store.history.list({ container: name, limit: 1 }).items;
    expect(record).toMatchObject({ state: 'committed', fromTag: '1.0.0', toTag: '1.1.0' });

    // compose owns it: up -d of the written file changes nothing.
    await compose(dir, project, 'up', '-d');
    expect((await docker.getContainer(name).inspect()).Id).toBe(web.Id);
  });

  it('check says when the compose file is out of reach, and the update keeps the compose labels', async () => {
    const repo = `${lab.registry.host}/${uniqueName('compose-away')}`;
    await buildAndPush(`${repo}:stable`);
    const { dir, project } = await startProject(
      (labels) => `services:
  app:
    image: ${repo}:stable
    stop_grace_period: 1s
    labels:
${labels}
`,
    );
    const name = `${project}_app_1`;
    const before = await docker.getContainer(name).inspect();
    await publishUpdate(`${repo}:stable`);
    // The project's folder moves away: Tidewatch no longer sees the file its labels name.
    const moved = `${dir}-moved`;
    renameSync(dir, moved);
    mkdirSync(dir);
    try {
      const checked = await cycle(name, false);
      expect(checked?.status).toBe('update-available');
      expect(checked?.reason).toContain(
        `compose file ${join(dir, 'docker-compose.yml')} is not reachable from Tidewatch`,
      );
      const updated = await cycle(name, true);
      expect(updated, updated?.reason).toMatchObject({ action: 'updated' });
      const after = await docker.getContainer(name).inspect();
      expect(after.Config.Labels).toEqual(before.Config.Labels);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      renameSync(moved, dir);
    }
  });
});
