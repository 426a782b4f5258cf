import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engine/index.js';
import { ContainerInventory } from '../../src/inventory/index.js';
import { silentLogger } from '../../src/log/index.js';
import { runCycle, type CycleDeps, type CycleReport } from '../../src/updater/index.js';
import { buildAndPush, labDocker, runContainer, uniqueName } from '../lab/index.js';
import { eventually } from '../support/images.js';
import { useLab } from '../support/lab.js';
import { tidewatchDeps } from '../support/tidewatch.js';

/** The engine, with its container inspects counted: the inventory's whole point is to make fewer. */
function countingInspects(engine: Engine): { engine: Engine; inspects: () => number } {
  let inspects = 0;
  const counted = new Proxy(engine, {
    get(target, property) {
      if (property === 'inspectContainer') {
        return (idOrName: string) => {
          inspects += 1;
          return target.inspectContainer(idOrName);
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { engine: counted, inspects: () => inspects };
}

describe('the container inventory, on the real engine, between cycles', () => {
  const lab = useLab();
  const docker = labDocker();
  const scope = uniqueName('inv-scope');
  const names = { a: uniqueName('inv-a'), b: uniqueName('inv-b'), c: uniqueName('inv-c') };
  let imageA: string;
  let imageB: string;
  let deps: CycleDeps;
  let counter: ReturnType<typeof countingInspects>;
  let inventory: ContainerInventory;

  /** One check-only cycle of this test's containers; how many containers it inspected. */
  const cycle = async (): Promise<{ report: CycleReport; inspects: number }> => {
    const before = counter.inspects();
    const report = await runCycle(deps, { names: [], update: false, signal: new AbortController().signal });
    return { report, inspects: counter.inspects() - before };
  };
  const entry = (report: CycleReport, name: string) => report.entries.find((e) => e.name === name);
  const idOf = async (name: string): Promise<string> => (await docker.getContainer(name).inspect()).Id;

  beforeAll(async () => {
    imageA = `${lab.registry.host}/${uniqueName('inv-a')}:latest`;
    imageB = `${lab.registry.host}/${uniqueName('inv-b')}:latest`;
    await buildAndPush(imageA);
    await buildAndPush(imageB);
    const labels = { Labels: { 'tidewatch.scope': scope } };
    await Promise.all([
      runContainer(names.a, imageA, labels),
      runContainer(names.b, imageA, labels),
      runContainer(names.c, imageA, labels),
    ]);
    const base = await tidewatchDeps({ scope });
    counter = countingInspects(base.engine);
    // The engine client's own events, as `run` follows them (startInventory).
    inventory = new ContainerInventory({
      engine: counter.engine,
      events: base.engineEvents,
      logger: silentLogger(),
    });
    inventory.start();
    deps = { ...base, engine: counter.engine, inventory };
    expect(await eventually(() => inventory.stats().live, Boolean)).toBe(true);
  });
  afterAll(() => inventory?.stop());

  it('inspects every container on the first cycle, and none on a cycle where nothing changed', async () => {
    const first = await cycle();
    expect(first.report.entries.map((e) => [e.name, e.status]).sort()).toEqual(
      Object.values(names)
        .map((name) => [name, 'current'])
        .sort(),
    );
    expect(first.inspects).toBe(3);
    const second = await cycle();
    expect(second.report.entries.map((e) => e.status)).toEqual(['current', 'current', 'current']);
    expect(second.inspects).toBe(0);
  });

  it('sees a renamed container under its new name, inspecting only it', async () => {
    const renamed = uniqueName('inv-b-renamed');
    await docker.getContainer(names.b).rename({ name: renamed });
    names.b = renamed;
    const { report, inspects } = await cycle();
    expect(entry(report, renamed)?.status).toBe('current');
    expect(report.entries).toHaveLength(3);
    expect(inspects).toBe(1);
    expect((await inventory.details(await idOf(renamed)))?.name).toBe(renamed);
  });

  it('sees a restarted container again: the restart is an event even though the list looks the same', async () => {
    const id = await idOf(names.c);
    const cachedBefore = inventory.stats().cached;
    await docker.getContainer(id).restart({ t: 0 });
    // The list shows it running on the same image before and after: only the events tell.
    await eventually(
      () => inventory.stats().cached,
      (cached) => cached < cachedBefore,
    );
    const { report, inspects } = await cycle();
    expect(entry(report, names.c)?.status).toBe('current');
    expect(inspects).toBe(1);
  });

  it('sees a settings change (docker update) that the container list does not show', async () => {
    const id = await idOf(names.c);
    expect((await inventory.details(id))?.hostConfig.RestartPolicy).not.toMatchObject({
      Name: 'unless-stopped',
    });
    // Served from the cache now, so only the engine's event can make it read the engine again.
    const hits = inventory.stats().hits;
    await inventory.details(id);
    expect(inventory.stats().hits).toBe(hits + 1);
    await docker.getContainer(id).update({ RestartPolicy: { Name: 'unless-stopped' } });
    const policy = await eventually(
      async () => (await inventory.details(id))?.hostConfig.RestartPolicy,
      (value) => (value as { Name?: string } | undefined)?.Name === 'unless-stopped',
    );
    expect(policy).toMatchObject({ Name: 'unless-stopped' });
  });

  it('sees a recreated container (same name, new id, another image) and forgets the old one', async () => {
    const oldId = await idOf(names.a);
    await docker.getContainer(oldId).remove({ force: true });
    await runContainer(names.a, imageB, { Labels: { 'tidewatch.scope': scope } });
    const newId = await idOf(names.a);
    const { report, inspects } = await cycle();
    expect(entry(report, names.a)).toMatchObject({ id: newId, image: imageB, status: 'current' });
    expect(inspects).toBe(1);
    expect(await inventory.details(oldId)).toBeUndefined();
  });

  it('drops a removed container, and the next quiet cycle again inspects nothing', async () => {
    await docker.getContainer(names.c).remove({ force: true });
    const { report, inspects } = await cycle();
    expect(entry(report, names.c)).toBeUndefined();
    expect(report.entries).toHaveLength(2);
    expect(inspects).toBe(0);
    expect((await cycle()).inspects).toBe(0);
  });

  it('without an inventory every cycle inspects every container (the behaviour it replaces)', async () => {
    const before = counter.inspects();
    await runCycle(
      { ...deps, inventory: undefined },
      { names: [], update: false, signal: new AbortController().signal },
    );
    expect(counter.inspects() - before).toBe(2);
  });
});
