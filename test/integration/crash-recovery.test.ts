import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pLimit from 'p-limit';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore, storeFile } from '../../src/store/index.js';
import { ORPHAN_AGE_MS } from '../../src/updater/reconcile.js';
import { parkedNameFor, startingNameFor } from '../../src/updater/copies.js';
import { buildAndPush, labDocker, runContainer, uniqueName } from '../lab/index.js';
import { useLab } from '../support/lab.js';
import { publishUpdate } from '../support/images.js';
import { runCli } from '../support/tidewatch.js';

/**
 * Every journal step an update records, for both strategies (start-first renames the original
 * last, when the handover begins); a SIGKILL right after each must lose nothing.
 */
const STEPS = ['planned', 'pulled', 'old-renamed', 'new-created', 'new-started', 'verifying'] as const;
const CASES = [
  ...STEPS.map((step) => ['stop-first', step] as const),
  ...STEPS.map((step) => ['start-first', step] as const),
];

describe('crash recovery: SIGKILL at every journal step loses no container', () => {
  const docker = labDocker();
  const lab = useLab();
  const dirs: string[] = [];

  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  const limit = pLimit(3);
  it.concurrent.each(CASES)(
    '%s killed after "%s": the next start leaves it running under its name, nothing left over',
    (strategy, step) =>
      limit(async () => {
        const image = `${lab.registry.host}/${uniqueName('crash')}:latest`;
        await buildAndPush(image);
        const name = uniqueName(`crash-${step}`);
        const { id } = await runContainer(name, image, { Labels: { 'tidewatch.strategy': strategy } });
        const { imageId: newImage } = await publishUpdate(image);
        const dataDir = mkdtempSync(join(tmpdir(), 'tw-crash-'));
        dirs.push(dataDir);
        const env = { TIDEWATCH_DATA_DIR: dataDir };

        const killed = await runCli(['once', '--stop-timeout', '1s', name], {
          ...env,
          TIDEWATCH_TEST_CRASH_AFTER: step,
        });
        expect(killed.code).toBeNull(); // died by the signal, not an exit

        // The next start recovers before anything else (rolling back, or forward once a start-first
        // handover had begun); this `once` then retries the update if it is still needed.
        const next = await runCli(['once', '--stop-timeout', '1s', name], env);
        expect(next.code, next.stderr).toBe(0);
        expect(next.stderr).toContain('recovered an interrupted update');

        const now = await docker.getContainer(name).inspect();
        expect(now.State.Running).toBe(true);
        const named = (await docker.listContainers({ all: true }))
          .flatMap((row) => row.Names)
          .filter((n) => n.includes(name));
        expect(named).toEqual([`/${name}`]);
        // Either way it ends on the new image, and the original is gone only because it was replaced.
        expect(now.Id).not.toBe(id);
        expect(now.Image).toBe(newImage);

        const store = openStore(storeFile(dataDir), { clock: Date.now });
        try {
          const states = store.history
            .list({ container: name, limit: 10 })
            .items.map((record) => record.state);
          // Newest first: the retry's commit (none when recovery rolled forward), then the recovered one.
          expect(states[0]).toBe('committed');
          expect(states.length).toBeLessThanOrEqual(2);
          expect(states.every((state) => ['committed', 'rolled-back', 'failed'].includes(state))).toBe(true);
          expect(store.journal.unfinished()).toEqual([]);
        } finally {
          store.close();
        }
      }),
  );

  it('a stopped container interrupted mid-update comes back stopped, as it was', async () => {
    const image = `${lab.registry.host}/${uniqueName('crash')}:latest`;
    await buildAndPush(image);
    const name = uniqueName('crash-stopped');
    await (await runContainer(name, image)).stop({ t: 0 });
    const { imageId: newImage } = await publishUpdate(image);
    const dataDir = mkdtempSync(join(tmpdir(), 'tw-crash-'));
    dirs.push(dataDir);
    const env = { TIDEWATCH_DATA_DIR: dataDir };
    const args = ['once', '--include-stopped', '--stop-timeout', '1s', name];

    const killed = await runCli(args, { ...env, TIDEWATCH_TEST_CRASH_AFTER: 'new-created' });
    expect(killed.code).toBeNull();
    const next = await runCli(args, env);
    expect(next.code, next.stderr).toBe(0);
    expect(next.stderr).toContain('recovered an interrupted update');
    const now = await docker.getContainer(name).inspect();
    expect(now.State.Running).toBe(false);
    expect(now.Image).toBe(newImage);
    const named = (await docker.listContainers({ all: true }))
      .flatMap((row) => row.Names)
      .filter((n) => n.includes(name));
    expect(named).toEqual([`/${name}`]);
  });

  it('copies no journal accounts for: an old lone parked copy is put back, an old one beside its holder goes, a fresh one, one outside the scope and one of a container the run is not about stay', async () => {
    const image = `${lab.registry.host}/${uniqueName('orphan')}:latest`;
    await buildAndPush(image);
    const scope = uniqueName('orphan-scope');
    const inScope = { Labels: { 'tidewatch.scope': scope } };
    const hoursAgo = Date.now() - ORPHAN_AGE_MS - 60_000;
    // A parked original whose update died with no journal (a Tidewatch from before plans, or a
    // crash of one run elsewhere): nothing holds its name.
    const lone = uniqueName('orphan-lone');
    const loneCopy = parkedNameFor(lone, hoursAgo);
    const loneId = (await runContainer(loneCopy, image, inScope)).id;
    await docker.getContainer(loneId).stop({ t: 0 });
    // A successor copy left beside the container that holds the name.
    const held = uniqueName('orphan-held');
    const heldId = (await runContainer(held, image, inScope)).id;
    const heldCopy = startingNameFor(held, hoursAgo);
    await runContainer(heldCopy, image, inScope);
    // Within the hour the copy may belong to an update still under way in another process.
    const fresh = parkedNameFor(uniqueName('orphan-fresh'));
    await runContainer(fresh, image, inScope);
    // Another instance's scope is not this one's to repair.
    const foreign = parkedNameFor(uniqueName('orphan-foreign'), hoursAgo);
    await runContainer(foreign, image, { Labels: { 'tidewatch.scope': `${scope}-other` } });

    const dataDir = mkdtempSync(join(tmpdir(), 'tw-orphan-'));
    dirs.push(dataDir);
    const names = async () => (await docker.listContainers({ all: true })).flatMap((row) => row.Names);
    // A run about one container repairs that container's copies only.
    const named = await runCli(['once', '--scope', scope, held], { TIDEWATCH_DATA_DIR: dataDir });
    expect(named.code, named.stderr).toBe(0);
    expect(await names()).not.toContain(`/${heldCopy}`);
    expect(await names(), named.stderr).toContain(`/${loneCopy}`);
    const run = await runCli(['once', '--scope', scope], { TIDEWATCH_DATA_DIR: dataDir });
    expect(run.code, run.stderr).toBe(0);

    const back = await docker.getContainer(lone).inspect();
    expect(back.Id).toBe(loneId);
    expect(back.State.Running).toBe(true);
    const after = await names();
    expect(after).not.toContain(`/${loneCopy}`);
    expect(after).not.toContain(`/${heldCopy}`);
    expect(after).toEqual(expect.arrayContaining([`/${held}`, `/${fresh}`, `/${foreign}`]));
    const holder = await docker.getContainer(held).inspect();
    expect([holder.Id, holder.State.Running]).toEqual([heldId, true]);

    const store = openStore(storeFile(dataDir), { clock: Date.now });
    try {
      const record = (name: string) => store.history.list({ container: name, limit: 10 }).items;
      expect(record(lone).map((r) => [r.state, r.trigger, r.reason])).toEqual([
        [
          'rolled-back',
          'repair',
          `repaired: ${loneCopy} was the only copy of ${lone}; it is back under its name`,
        ],
      ]);
      expect(record(held).map((r) => [r.state, r.trigger, r.reason])).toEqual([
        [
          'committed',
          'repair',
          `repaired: removed ${heldCopy}, a copy an interrupted update left beside ${held}`,
        ],
      ]);
      expect(store.journal.unfinished()).toEqual([]);
    } finally {
      store.close();
    }
  });
});
