import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCycle, type CycleDeps } from '../../src/updater/index.js';
import { buildAndPush, labDocker, runContainer, uniqueName } from '../lab/index.js';
import { publishUpdate } from '../support/images.js';
import { useLab } from '../support/lab.js';
import { tempStore, tidewatchDeps } from '../support/tidewatch.js';

describe('tag policies against a real registry', () => {
  const docker = labDocker();
  const lab = useLab();
  let store: ReturnType<typeof tempStore>;
  let deps: CycleDeps;

  beforeAll(async () => {
    store = tempStore();
    deps = { ...(await tidewatchDeps({ stopTimeout: '1s' })), store: store.store };
  });
  afterAll(() => store?.close());

  /** A repository holding `tags` (each its own image, pulled by nobody), the container on `first`. */
  async function repositoryWith(
    first: string,
    tags: readonly string[],
  ): Promise<{ repo: string; ids: Map<string, string> }> {
    const repo = `${lab.registry.host}/${uniqueName('policy')}`;
    const ids = new Map<string, string>();
    ids.set(first, (await buildAndPush(`${repo}:${first}`)).imageId);
    for (const tag of tags) ids.set(tag, (await publishUpdate(`${repo}:${tag}`)).imageId);
    return { repo, ids };
  }

  const cycle = async (name: string, update: boolean) =>
    (
      await runCycle(deps, { names: [name], update, signal: AbortSignal.timeout(60_000), trigger: 'cli' })
    ).entries.find((entry) => entry.name === name);

  it('minor: a container on 1.0.0 moves to 1.1.2, not 2.0.0, and the history says 1.0.0 → 1.1.2', async () => {
    const { repo, ids } = await repositoryWith('1.0.0', ['1.0.1', '1.1.2', '2.0.0']);
    const name = uniqueName('minor');
    const before = await runContainer(name, `${repo}:1.0.0`, { Labels: { 'tidewatch.policy': 'minor' } });

    await lab.registry.flush();
    lab.registry.resetRequests();
    const checked = await cycle(name, false);
    expect(checked).toMatchObject({
      status: 'update-available',
      policy: 'minor',
      currentTag: '1.0.0',
      latestTag: '1.1.2',
    });
    await lab.registry.flush();
    // One listing of the repository, one manifest request for the winner, none for the current tag.
    const repository = repo.slice(lab.registry.host.length + 1);
    expect(lab.registry.requests().filter((r) => r.path === `/v2/${repository}/tags/list`)).toHaveLength(1);
    const manifests = lab.registry.manifestRequests(repository).map((r) => r.path);
    expect(manifests[0]).toBe(`/v2/${repository}/manifests/1.1.2`);
    expect(manifests.filter((path) => /\/manifests\/\d/.test(path))).toEqual([manifests[0]]);

    const updated = await cycle(name, true);
    expect(updated, `${updated?.reason}`).toMatchObject({ action: 'updated', latestTag: '1.1.2' });
    const now = await docker.getContainer(name).inspect();
    expect(now.Id).not.toBe(before.id);
    expect(now.Config.Image).toBe(`${repo}:1.1.2`);
    expect(now.Image).toBe(ids.get('1.1.2'));
    const [record] = store.store.history.list({ container: name, limit: 1 }).items;
    expect(record).toMatchObject({
      state: 'committed',
      fromTag: '1.0.0',
      toTag: '1.1.2',
      image: `${repo}:1.0.0`,
    });

    // On 1.1.2 nothing newer is allowed: 2.0.0 is a major step.
    expect(await cycle(name, false)).toMatchObject({ status: 'current', currentTag: '1.1.2' });
  });

  it('keeps a variant, ignores another shape, and follows the digest of a tag that is not a version', async () => {
    const { repo } = await repositoryWith('1.0-alpine', ['1.1', '1.1-alpine', '2024.10.1', '168']);
    const name = uniqueName('variant');
    await runContainer(name, `${repo}:1.0-alpine`, { Labels: { 'tidewatch.policy': 'major' } });
    expect(await cycle(name, false)).toMatchObject({ status: 'update-available', latestTag: '1.1-alpine' });

    const latest = await repositoryWith('latest', []);
    const other = uniqueName('latest');
    await runContainer(other, `${latest.repo}:latest`, { Labels: { 'tidewatch.policy': 'minor' } });
    expect(await cycle(other, false)).toMatchObject({
      status: 'current',
      reason: 'tag latest is not a version; following its digest',
    });
    await publishUpdate(`${latest.repo}:latest`);
    const moved = await cycle(other, false);
    expect(moved?.status).toBe('update-available');
    expect(moved?.latestTag).toBeUndefined();
  });

  it('pin: never checked, never updated', async () => {
    const { repo } = await repositoryWith('1.0.0', ['1.0.1']);
    const name = uniqueName('pin');
    await runContainer(name, `${repo}:1.0.0`, { Labels: { 'tidewatch.policy': 'pin' } });
    expect(await cycle(name, true)).toMatchObject({
      status: 'skipped',
      reason: 'its policy is pin: it is never updated',
    });
  });

  it('a malformed policy label makes only that container unknown', async () => {
    const { repo } = await repositoryWith('1.0.0', []);
    const name = uniqueName('badpolicy');
    await runContainer(name, `${repo}:1.0.0`, { Labels: { 'tidewatch.policy': 'semver:>>1' } });
    const entry = await cycle(name, false);
    expect(entry?.status).toBe('unknown');
    expect(entry?.reason).toContain('label tidewatch.policy="semver:>>1"');
  });
});
