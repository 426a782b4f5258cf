import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCycle } from '../../src/updater/index.js';
import { buildAndPush, labDocker, runContainer, uniqueName } from '../lab/index.js';
import { useLab } from '../support/lab.js';
import { publishUpdate } from '../support/images.js';
import { tidewatchDeps } from '../support/tidewatch.js';

describe('lifecycle hooks', () => {
  const docker = labDocker();
  const lab = useLab();
  let outDir: string;

  beforeAll(() => {
    outDir = mkdtempSync(join(tmpdir(), 'tw-hooks-'));
  });
  afterAll(() => {
    rmSync(outDir, { recursive: true, force: true });
  });

  /** A container with hook labels whose tag has moved; hooks can write into /out. */
  async function containerWithHooks(hooks: Record<string, string>): Promise<{ name: string; id: string }> {
    const ref = `${lab.registry.host}/${uniqueName('hooks')}:latest`;
    await buildAndPush(ref);
    const name = uniqueName('hooks');
    const dir = join(outDir, name);
    const { id } = await runContainer(name, ref, {
      Labels: Object.fromEntries(
        Object.entries(hooks).map(([phase, command]) => [
          `com.centurylinklabs.watchtower.lifecycle.${phase}`,
          command,
        ]),
      ),
      HostConfig: { Binds: [`${outDir}:/out`] },
      Env: [`MARK=/out/${name}`],
    });
    void dir;
    await publishUpdate(ref);
    return { name, id };
  }

  async function update(name: string, hooksEnabled = true) {
    const deps = await tidewatchDeps({ stopTimeout: '1s', lifecycleHooks: hooksEnabled });
    const report = await runCycle(deps, {
      names: [name],
      update: true,
      signal: new AbortController().signal,
    });
    return report.entries.find((entry) => entry.name === name);
  }
  const marks = (name: string): string[] =>
    readdirSync(outDir)
      .filter((file) => file.startsWith(`${name}.`))
      .map((file) => file.slice(name.length + 1))
      .sort();

  it('runs pre-check, pre-update in the old container, post-update in the new one, and post-check', async () => {
    const { name, id } = await containerWithHooks({
      'pre-check': 'hostname > $MARK.pre-check',
      'pre-update': 'hostname > $MARK.pre-update',
      'post-update': 'hostname > $MARK.post-update',
      'post-check': 'hostname > $MARK.post-check',
    });
    const entry = await update(name);
    expect(entry).toMatchObject({ action: 'updated', reason: undefined });
    const now = await docker.getContainer(name).inspect();
    expect(marks(name)).toEqual(['post-check', 'post-update', 'pre-check', 'pre-update']);
    const host = (phase: string): string => readFileSync(join(outDir, `${name}.${phase}`), 'utf8').trim();
    expect(host('pre-update')).toBe(id.slice(0, 12));
    expect(host('post-update')).toBe(now.Id.slice(0, 12));
  });

  it('runs nothing without --enable-lifecycle-hooks', async () => {
    const { name } = await containerWithHooks({ 'pre-update': 'touch $MARK.pre-update' });
    expect(await update(name, false)).toMatchObject({ action: 'updated' });
    expect(marks(name)).toEqual([]);
  });

  it('exit 75 from pre-update skips the update, recorded as skipped, not failed', async () => {
    const { name, id } = await containerWithHooks({ 'pre-update': 'exit 75' });
    const entry = await update(name);
    expect(entry).toMatchObject({ status: 'update-available', action: 'skipped' });
    expect(entry?.reason).toContain('exit 75');
    expect((await docker.getContainer(name).inspect()).Id).toBe(id);
  });

  it('another non-zero pre-update exit skips the update as failed', async () => {
    const { name, id } = await containerWithHooks({ 'pre-update': 'echo not ready; exit 3' });
    const entry = await update(name);
    expect(entry).toMatchObject({ action: 'failed', reason: 'pre-update hook exited 3: not ready' });
    const now = await docker.getContainer(name).inspect();
    expect(now.Id).toBe(id);
    expect(now.State.Running).toBe(true);
  });

  it('a pre-update hook past its timeout fails the update; the container is untouched', async () => {
    const { name, id } = await containerWithHooks({ 'pre-update': 'sleep 60', 'pre-update-timeout': '0.02' });
    const entry = await update(name);
    expect(entry?.action).toBe('failed');
    expect(entry?.reason).toBe('pre-update hook did not finish within 1.2s');
    expect((await docker.getContainer(name).inspect()).Id).toBe(id);
  });

  it('a failing post-update hook is reported, the update stands', async () => {
    const { name, id } = await containerWithHooks({ 'post-update': 'echo migration failed >&2; exit 1' });
    const entry = await update(name);
    expect(entry).toMatchObject({ action: 'updated', reason: 'post-update hook exited 1: migration failed' });
    expect((await docker.getContainer(name).inspect()).Id).not.toBe(id);
  });
});
