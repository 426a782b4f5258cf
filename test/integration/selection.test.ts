import { beforeAll, describe, expect, it } from 'vitest';
import { buildAndPush, labDocker, runContainer, uniqueName } from '../lab/index.js';
import { useLab } from '../support/lab.js';
import { publishUpdate } from '../support/images.js';
import { expectExit, runCli } from '../support/tidewatch.js';

/**
 * Five containers on one image whose tag has moved. Each step runs a cycle with one selection
 * setting and checks that exactly the containers it allows were recreated.
 */
describe('selection: --monitor-only, names, --scope, --label-enable and labels are respected', () => {
  const docker = labDocker();
  const lab = useLab();
  let image: string;
  const names = {
    plain: uniqueName('sel-plain'),
    enabled: uniqueName('sel-enabled'),
    scoped: uniqueName('sel-scoped'),
    watchOnly: uniqueName('sel-monitor'),
    disabled: uniqueName('sel-disabled'),
  };
  const scope = uniqueName('scope');
  const ids: Record<string, string> = {};
  const all = Object.values(names);

  const currentIds = async (): Promise<Record<string, string>> =>
    Object.fromEntries(
      await Promise.all(
        all.map(async (name): Promise<[string, string]> => [
          name,
          (await docker.getContainer(name).inspect()).Id,
        ]),
      ),
    );
  /** Names whose container id changed since the last call. */
  const recreated = async (): Promise<string[]> => {
    const now = await currentIds();
    const changed = all.filter((name) => now[name] !== ids[name]);
    Object.assign(ids, now);
    return changed.sort();
  };
  // Only this test's containers: the engine is shared with other test files running in parallel.
  const once = (...args: string[]) => runCli(['once', '--stop-timeout', '1s', ...args]);

  beforeAll(async () => {
    image = `${lab.registry.host}/${uniqueName('sel')}:latest`;
    await buildAndPush(image);
    await runContainer(names.plain, image);
    await runContainer(names.enabled, image, {
      Labels: {
        'com.centurylinklabs.watchtower.enable': 'true',
        'com.centurylinklabs.watchtower.scope': scope,
      },
    });
    await runContainer(names.scoped, image, { Labels: { 'tidewatch.scope': scope } });
    await runContainer(names.watchOnly, image, {
      Labels: { 'tidewatch.monitor-only': 'true', 'tidewatch.scope': scope },
    });
    await runContainer(names.disabled, image, {
      Labels: { 'tidewatch.enable': 'false', 'tidewatch.scope': scope },
    });
    Object.assign(ids, await currentIds());
    await publishUpdate(image);
  });

  it('check reports without changing anything, with reasons for skipped containers', async () => {
    const result = await runCli(['check', '--json', ...all]);
    expect(result.code, result.stderr).toBe(0);
    const byName = Object.fromEntries(
      (JSON.parse(result.stdout) as Array<{ name: string; status: string; reason: string | null }>).map(
        (entry) => [entry.name, entry],
      ),
    );
    expect(byName[names.plain]?.status).toBe('update-available');
    expect(byName[names.watchOnly]?.status).toBe('update-available');
    expect(byName[names.disabled]).toMatchObject({
      status: 'skipped',
      reason: 'disabled by its enable label',
    });
    expect(await recreated()).toEqual([]);
  });

  it('--monitor-only updates nothing', async () => {
    expectExit(await once('--monitor-only', ...all));
    expect(await recreated()).toEqual([]);
  });

  it('names limit the run to those containers', async () => {
    expectExit(await once(names.plain));
    expect(await recreated()).toEqual([names.plain]);
  });

  it('--scope limits the run to that scope, and the monitor-only label holds', async () => {
    const result = await once('--scope', scope);
    expect(result.code, result.stderr).toBe(0);
    expect(await recreated()).toEqual([names.enabled, names.scoped].sort());
  });

  it('--label-enable updates only enabled containers; a disabled one is never touched', async () => {
    await publishUpdate(image);
    const result = await runCli(['once', '--stop-timeout', '1s', '--label-enable', '--scope', scope], {});
    expect(result.code, result.stderr).toBe(0);
    expect(await recreated()).toEqual([names.enabled]);
    // Watchtower's env names work the same as the flags.
    const viaEnv = await runCli(['check', '--json'], {
      WATCHTOWER_LABEL_ENABLE: 'true',
      WATCHTOWER_SCOPE: scope,
    });
    const statuses = (JSON.parse(viaEnv.stdout) as Array<{ name: string; status: string }>).map((entry) => [
      entry.name,
      entry.status,
    ]);
    expect(statuses).toEqual(
      expect.arrayContaining([
        [names.enabled, 'current'],
        [names.scoped, 'skipped'],
      ]),
    );
  });
});
