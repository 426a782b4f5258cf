import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  attestationDescriptor,
  buildAndPush,
  manifestDescriptor,
  pushForeignManifest,
  putIndex,
  startEngines,
  startRegistry,
  stopEngines,
  uniqueName,
  type ExtraEngine,
  type LabRegistry,
} from '../lab/index.js';
import { bundleManifest, flipByteInBlob, tarEntries, writeTarFile } from '../support/bundle-files.js';
import { startDaemon } from '../support/daemon.js';
import { apiUrlOf } from '../support/fleet.js';
import { launchChromium } from '../support/browser.js';
import { progressOf } from '../lab/progress.js';
import { eventually } from '../support/images.js';
import { useLab } from '../support/lab.js';
import { expectExit, runCli, type CliResult } from '../support/tidewatch.js';

/**
 * Offline delivery (docs/offline.md) on the lab: the connected side makes bundles from a real
 * registry; the far side is an extra engine of its own (scripts/lab-engines.sh) that holds nothing
 * but what bundles brought it, with its own Tidewatch data dir and trusted key.
 */
const ARTIFACTS = join(process.cwd(), 'test-artifacts', 'dashboard');

describe('offline bundles', () => {
  const lab = useLab();
  const engineName = 'bdl';
  let far: ExtraEngine;
  let work: string;
  let farData: string;
  let key: string;
  let pub: string;
  /** The registry of the first test, stopped before its delta is applied. */
  let cut: LabRegistry;
  let app: string;
  let b1: string;
  /** Made before b1 and never applied: applying it later is out of order. */
  let b0: string;
  const payload = { seed: 'bundle-payload', bytes: 2 * 1024 * 1024 };

  const farCli = (args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> =>
    runCli(
      args,
      {
        DOCKER_HOST: far.host,
        TIDEWATCH_DATA_DIR: farData,
        TIDEWATCH_BUNDLE_KEY: pub,
        TIDEWATCH_STOP_TIMEOUT: '1s',
        ...env,
      },
      180_000,
    );
  const create = async (file: string, args: string[], signWith = key): Promise<CliResult> =>
    expectExit(await runCli(['bundle', 'create', '-o', file, '--sign-key', signWith, ...args], {}, 180_000));
  const apply = (file: string): Promise<CliResult> => farCli(['bundle', 'apply', file]);
  const file = (name: string): string => join(work, name);
  const running = async (name: string): Promise<{ id: string; image: string; running: boolean }> => {
    const info = await far.docker.getContainer(name).inspect();
    return { id: info.Id, image: info.Image, running: info.State.Running };
  };
  const farBundles = async (): Promise<{ state: string; bundleId: string | null }[]> =>
    JSON.parse(expectExit(await farCli(['bundle', 'list', '--json'])).stdout) as {
      state: string;
      bundleId: string | null;
    }[];
  /** The manifest of a throwaway bundle of `ref` (no delta): to learn its layers. */
  const bundleManifestOf = async (ref: string, path: string) => {
    await create(path, [ref]);
    return bundleManifest(path);
  };
  const farImages = async (): Promise<string[]> =>
    (await far.docker.listImages({ all: true })).map((i) => i.Id).sort();
  const runOnFar = async (name: string, ref: string): Promise<void> => {
    const container = await far.docker.createContainer({
      name,
      Image: ref,
      HostConfig: { NetworkMode: 'none' },
    });
    await container.start();
  };

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'tidewatch-bundle-'));
    farData = join(work, 'far-data');
    await stopEngines([engineName]);
    [far] = (await startEngines([engineName])) as [ExtraEngine];
    expectExit(await runCli(['bundle', 'keygen', '-o', join(work, 'site')]));
    key = join(work, 'site.key');
    pub = join(work, 'site.pub');
    cut = await startRegistry();
    app = `${cut.host}/${uniqueName('bundle-app')}:live`;
    await buildAndPush(app, { payload, marker: 'v0' });
    b0 = file('b0.twb');
    await create(b0, [app]);
  }, 300_000);

  afterAll(async () => {
    await stopEngines([engineName]);
    await cut?.stop();
    rmSync(work, { recursive: true, force: true });
  }, 120_000);

  it('a full bundle, then a --have delta carrying only the changed layer, update a running container with the registry gone', async () => {
    const v1 = await buildAndPush(app, { payload, marker: 'v1' });
    b1 = file('b1.twb');
    await create(b1, [app]);
    expect(expectExit(await apply(b1)).stdout).toMatch(/bundle \S+ applied/);
    expect((await far.docker.getImage(app).inspect()).Id).toBe(v1.imageId);
    await runOnFar('app', app);

    const v2 = await buildAndPush(app, { payload, marker: 'v2' });
    const have = file('have.json');
    expectExit(await farCli(['bundle', 'have', '-o', have]));
    expect(JSON.parse(readFileSync(have, 'utf8'))).toMatchObject({ images: [app] });
    const b2 = file('b2.twb');
    await create(b2, ['--have', have]); // no references: the images the far side runs
    const manifest = await bundleManifest(b2);
    const layers = manifest.images[0]?.platforms[0]?.layers ?? [];
    expect(layers).toHaveLength(3);
    const carried = manifest.blobs.filter((blob) => blob.carried);
    const carriedLayers = carried.filter((blob) => layers.includes(blob.digest));
    // Only the marker layer changed: busybox and the 2 MB payload stay home.
    expect(carriedLayers.map((blob) => blob.digest)).toEqual([layers[2]]);
    const changed = carriedLayers[0]?.size ?? 0;
    expect(statSync(b2).size).toBeLessThanOrEqual(changed * 1.01 + 16 * 1024);
    expect(statSync(b1).size).toBeGreaterThan(payload.bytes); // the full one carried it all
    // --since the applied bundle, with nothing from the far side: the same layer alone travels.
    const since = file('b2-since.twb');
    await create(since, [app, '--since', b1]);
    const sinceCarried = (await bundleManifest(since)).blobs.filter(
      (blob) => blob.carried && layers.includes(blob.digest),
    );
    expect(sinceCarried.map((blob) => blob.digest)).toEqual([layers[2]]);

    await cut.stop(); // the far side never had a registry; now there is none at all
    const before = await running('app');
    const applied = expectExit(await apply(b2));
    expect(applied.stdout).toContain('app: updated');
    const after = await running('app');
    expect(after).toMatchObject({ image: v2.imageId, running: true });
    expect(after.id).not.toBe(before.id);
    const history = JSON.parse(expectExit(await farCli(['history', '--json'])).stdout) as {
      containerName: string;
      trigger: string;
      state: string;
    }[];
    expect(history[0]).toMatchObject({ containerName: 'app', trigger: 'bundle', state: 'committed' });
    const list = JSON.parse(expectExit(await farCli(['bundle', 'list', '--json'])).stdout) as {
      state: string;
      updated: unknown;
    }[];
    expect(list.map((row) => row.state)).toEqual(['applied', 'applied']);
    expect(list[0]?.updated).toEqual([{ container: 'app', outcome: 'updated' }]);
  }, 300_000);

  it('refuses a truncated file, a flipped byte, a wrong or forged signature, a missing base blob, a replay and an out-of-order bundle, changing nothing', async () => {
    const svc = `${lab.registry.host}/${uniqueName('bundle-svc')}:live`;
    await buildAndPush(svc, { payload, marker: 's1' });
    const s1 = file('s1.twb');
    await create(s1, [svc]);
    expectExit(await apply(s1));
    await runOnFar('svc', svc);
    await buildAndPush(svc, { payload, marker: 's2' });
    const have = file('have-svc.json');
    expectExit(await farCli(['bundle', 'have', '-o', have]));
    const good = file('s2.twb');
    await create(good, [svc, '--have', have]);
    const layers = (await bundleManifest(good)).images[0]?.platforms[0]?.layers ?? [];

    const containers = { svc: await running('svc'), app: await running('app') };
    const images = await farImages();
    const bundlesBefore = await farBundles();
    const refused = async (bad: string, reason: RegExp): Promise<void> => {
      const result = await apply(bad);
      expect(result.code, result.stdout).toBe(1);
      // One line says it (the rest of stderr is the JSON log): the reason, on that line.
      const said = result.stderr.split('\n').filter((line) => line.startsWith('tidewatch: '));
      expect(said).toHaveLength(1);
      expect(said[0]).toMatch(reason);
    };

    const truncated = file('truncated.twb');
    copyFileSync(good, truncated);
    truncateSync(truncated, Math.floor(statSync(good).size / 2));
    await refused(
      truncated,
      /truncated\.twb refused: (the file ends early: it is truncated|blob sha256:\w+ is listed as carried but is not in the file)/,
    );

    const flipped = file('flipped.twb');
    copyFileSync(good, flipped);
    flipByteInBlob(flipped, layers[2] ?? '');
    await refused(
      flipped,
      new RegExp(
        `blob ${layers[2]} does not match its digest \\(its bytes hash to sha256:\\w+\\): corrupt or tampered`,
      ),
    );

    expectExit(await runCli(['bundle', 'keygen', '-o', file('other')]));
    const otherKey = file('other.twb');
    await create(otherKey, [svc, '--have', have], file('other.key'));
    await refused(
      otherKey,
      /it is signed by ed25519:\w+, which is not one of the --bundle-key keys \(ed25519:\w+\)/,
    );

    // The trusted key's id on another key's signature: the forger cannot make it verify.
    const forged = file('forged.twb');
    const entries = await tarEntries(good);
    const trustedId = (
      JSON.parse(entries.find((e) => e.name === 'tidewatch-bundle.sig')?.body.toString() ?? '{}') as {
        keyId: string;
      }
    ).keyId;
    const otherSig =
      (await tarEntries(otherKey)).find((e) => e.name === 'tidewatch-bundle.sig')?.body.toString() ?? '{}';
    const forgedSig = Buffer.from(JSON.stringify({ ...(JSON.parse(otherSig) as object), keyId: trustedId }));
    await writeTarFile(
      forged,
      entries.map((e) => (e.name === 'tidewatch-bundle.sig' ? { ...e, body: forgedSig } : e)),
    );
    await refused(
      forged,
      /its signature does not verify with ed25519:\w+ .*: the manifest was changed after signing/,
    );

    const unsigned = file('unsigned.twb');
    await writeTarFile(
      unsigned,
      entries.filter((e) => e.name !== 'tidewatch-bundle.sig'),
    );
    await refused(unsigned, /it is not signed, and --bundle-key requires a signature/);

    // A new payload layer the connected side wrongly believes the far side holds.
    await buildAndPush(svc, { payload: { seed: 'another-payload', bytes: 64 * 1024 }, marker: 's3' });
    const claimed = JSON.parse(readFileSync(have, 'utf8')) as { blobs: string[] };
    const s3Layers = (await bundleManifestOf(svc, file('probe.twb'))).images[0]?.platforms[0]?.layers ?? [];
    const wrongHave = file('wrong-have.json');
    writeFileSync(wrongHave, JSON.stringify({ ...claimed, blobs: [...claimed.blobs, s3Layers[1]] }));
    const missing = file('missing.twb');
    await create(missing, [svc, '--have', wrongHave]);
    await refused(missing, new RegExp(`layer 2 of 3 ${s3Layers[1]} is neither in the file nor held here`));

    await refused(b1, /bundle \S+ was applied here before: a replay/);
    await refused(
      b0,
      /bundle \S+ was made \S+, not after the last one applied here \(\S+, \S+\): replayed or out of order/,
    );

    // Nothing changed: the same containers on the same images, no image loaded, no bundle applied.
    expect({ svc: await running('svc'), app: await running('app') }).toEqual(containers);
    expect(await farImages()).toEqual(images);
    const after = await farBundles();
    expect(after.filter((row) => row.state === 'applied')).toEqual(
      bundlesBefore.filter((row) => row.state === 'applied'),
    );
    expect(after.filter((row) => row.state === 'rejected')).toHaveLength(8);
    expect(
      existsSync(join(farData, 'bundle-staging')) ? readdirSync(join(farData, 'bundle-staging')) : [],
    ).toEqual([]);

    // And the good bundle still applies.
    expect(expectExit(await apply(good)).stdout).toContain('svc: updated');
  }, 400_000);

  it('rolls back a broken image a bundle delivered and remembers it as bad for the next bundle', async () => {
    const before = await running('app');
    // A container of its own, on a tag of its own: the bad image must not touch `app`.
    const broken = `${lab.registry.host}/${uniqueName('bundle-broken')}:live`;
    await buildAndPush(broken, { payload, marker: 'ok' });
    const ok = file('broken-base.twb');
    await create(ok, [broken]);
    expectExit(await apply(ok));
    await runOnFar('fragile', broken);
    const fragile = await running('fragile');
    await buildAndPush(broken, {
      payload,
      marker: 'bad',
      cmd: ['sh', '-c', 'echo broken on purpose >&2; exit 1'],
    });
    const bad = file('broken.twb');
    await create(bad, [broken]);
    const result = await apply(bad);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/fragile: rolled-back/);
    expect(await running('fragile')).toMatchObject({ image: fragile.image, running: true });
    expect(await running('app')).toEqual(before); // another tag: untouched

    // The same broken image in the next bundle: remembered as bad, so skipped.
    const again = file('broken-again.twb');
    await create(again, [broken]);
    const second = await apply(again);
    expect(second.stdout).toMatch(/fragile: skipped \(this digest was rolled back before/);
    expect(await running('fragile')).toMatchObject({ id: fragile.id, image: fragile.image, running: true });
    const list = JSON.parse(expectExit(await farCli(['bundle', 'list', '--json'])).stdout) as {
      updated: { container: string; outcome: string }[] | null;
    }[];
    expect(list[1]?.updated).toEqual([
      expect.objectContaining({ container: 'fragile', outcome: 'rolled-back' }),
    ]);
  }, 300_000);

  it('applies a bundle dropped into the inbox while run runs, and moves a bad one to rejected with its reason', async () => {
    const inbox = file('inbox');
    mkdirSync(inbox);
    const daemon = await startDaemon(['--inbox', inbox, '--interval', '1h', '--no-startup-check'], {
      DOCKER_HOST: far.host,
      TIDEWATCH_DATA_DIR: farData,
      TIDEWATCH_BUNDLE_KEY: pub,
      TIDEWATCH_STOP_TIMEOUT: '1s',
    });
    try {
      const svc = (await far.docker.getContainer('svc').inspect()).Config.Image;
      const v = await buildAndPush(svc, { payload, marker: 'inbox' });
      const have = file('have-inbox.json');
      expectExit(await farCli(['bundle', 'have', '-o', have]));
      const made = file('inbox-made.twb');
      await create(made, [svc, '--have', have]);
      // As rsync does: written under a dot name, renamed when complete.
      copyFileSync(made, join(inbox, '.svc.twb.part'));
      renameSync(join(inbox, '.svc.twb.part'), join(inbox, 'svc.twb'));
      const moved = await eventually(
        () => existsSync(join(inbox, 'applied', 'svc.twb')),
        (done) => done,
        60_000,
      );
      expect(moved, daemon.stderr().slice(-3000)).toBe(true);
      await eventually(
        async () => (await running('svc')).image,
        (image) => image === v.imageId,
        30_000,
      );
      expect(await running('svc')).toMatchObject({ image: v.imageId, running: true });

      writeFileSync(join(inbox, 'junk.twb'), 'not a bundle at all');
      const reason = join(inbox, 'rejected', 'junk.twb.reason');
      await eventually(
        () => existsSync(reason),
        (done) => done,
        30_000,
      );
      expect(readFileSync(reason, 'utf8')).toMatch(/^it is not a readable tar file|^the file ends early/);
      expect(readdirSync(inbox).filter((name) => !['applied', 'rejected'].includes(name))).toEqual([]);

      // The API says the same: the bundles received, and what the next delta may leave out.
      const api = apiUrlOf(daemon);
      const bundles = (await (await fetch(`${api}/api/v1/bundles`)).json()) as {
        items: { file: string; state: string; reason: string | null }[];
      };
      expect(bundles.items.slice(0, 2)).toEqual([
        expect.objectContaining({
          file: 'junk.twb',
          state: 'rejected',
          reason: expect.any(String) as string,
        }),
        expect.objectContaining({ file: 'svc.twb', state: 'applied' }),
      ]);
      const served = (await (await fetch(`${api}/api/v1/bundles/have`)).json()) as {
        images: string[];
        blobs: string[];
      };
      expect(served.images).toContain(svc);
      expect(served.blobs.length).toBeGreaterThan(0);

      // And the dashboard: a Bundles tab once one was received, each bundle with what it did.
      const browser = await launchChromium();
      try {
        const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
        await page.goto(`${api}/#/bundles`);
        const good = page.locator('li[data-bundle="svc.twb"][data-state="applied"]');
        await good.locator('li[data-container="svc"][data-outcome="updated"]').waitFor({ timeout: 15_000 });
        const junk = page.locator('li[data-bundle="junk.twb"][data-state="rejected"]');
        expect(await junk.locator('.reason').textContent()).toBe(readFileSync(reason, 'utf8').trim());
        expect(await page.locator('nav a', { hasText: 'Bundles' }).getAttribute('aria-current')).toBe('true');
        mkdirSync(ARTIFACTS, { recursive: true });
        await page.screenshot({ path: join(ARTIFACTS, 'bundles.png'), fullPage: true });
      } finally {
        await browser.close();
      }
    } finally {
      expect(await daemon.stop()).toBe(0);
    }
  }, 300_000);

  it('keeps only the requested platforms of a multi-platform image, and such bundles still load', async () => {
    const repo = uniqueName('bundle-multi');
    const ref = `${lab.registry.host}/${repo}:latest`;
    const version = await far.docker.version();
    const ownPlatform = { os: version.Os, architecture: version.Arch };
    const ownTag = `${lab.registry.host}/${repo}:own`;
    const built = await buildAndPush(ownTag, { payload, marker: 'multi' });
    const own = await manifestDescriptor(lab.registry, repo, 'own', ownPlatform);
    const foreign = await pushForeignManifest(lab.registry, repo, { os: 'linux', architecture: 's390x' });
    const attestation = await attestationDescriptor(lab.registry, repo, own);
    const indexDigest = await putIndex(lab.registry, repo, 'latest', [own, foreign, attestation]);

    const kept = file('multi-own.twb');
    await create(kept, [ref, '--platform', `${ownPlatform.os}/${ownPlatform.architecture}`]);
    const manifest = await bundleManifest(kept);
    expect(manifest.images[0]?.platforms.map((p) => p.platform)).toEqual([
      `${ownPlatform.os}/${ownPlatform.architecture}`,
    ]);
    expect(manifest.images[0]?.digest).not.toBe(indexDigest); // the index, rewritten to that platform
    expect(manifest.blobs.map((blob) => blob.digest)).not.toContain(foreign.digest);
    const index = (await tarEntries(kept)).find(
      (e) => e.name === `blobs/sha256/${manifest.images[0]?.digest.slice(7)}`,
    );
    expect(
      (JSON.parse(index?.body.toString() ?? '{}') as { manifests: { digest: string }[] }).manifests,
    ).toEqual([expect.objectContaining({ digest: own.digest })]);
    expectExit(await apply(kept));
    expect((await far.docker.getImage(ref).inspect()).Id).toBe(built.imageId);

    // All platforms: carried whole (s390x and the attestation too), and the engine's own one loads.
    await buildAndPush(ownTag, { payload, marker: 'multi-2' });
    const ownTwo = await manifestDescriptor(lab.registry, repo, 'own', ownPlatform);
    await putIndex(lab.registry, repo, 'latest', [ownTwo, foreign, attestation]);
    const all = file('multi-all.twb');
    await create(all, [ref]);
    const allManifest = await bundleManifest(all);
    expect(allManifest.images[0]?.platforms).toHaveLength(3);
    expect(allManifest.blobs.map((blob) => blob.digest)).toContain(foreign.digest);
    expectExit(await apply(all));
    expect((await far.docker.getImage(ref).inspect()).Id).not.toBe(built.imageId);
  }, 300_000);

  it('--bundle-target-registry pushes into a site registry, and the containers there update from it', async () => {
    const site = await startRegistry();
    try {
      const name = uniqueName('bundle-site');
      const ref = `${lab.registry.host}/${name}:live`;
      const onSite = `${site.host}/${name}:live`;
      const toSite = { TIDEWATCH_BUNDLE_TARGET_REGISTRY: site.host };
      await buildAndPush(ref, { payload, marker: 'site-1' });
      const first = file('site-1.twb');
      await create(first, [ref]);
      expect(expectExit(await farCli(['bundle', 'apply', first], toSite)).stdout).toContain(onSite);
      await progressOf('pull from the site registry', () => far.docker.pull(onSite));
      await runOnFar('sited', onSite);

      const v2 = await buildAndPush(ref, { payload, marker: 'site-2' });
      const have = file('have-site.json');
      expectExit(await farCli(['bundle', 'have', '-o', have]));
      const second = file('site-2.twb');
      await create(second, [ref, '--have', have]);
      // The payload is in the far side's blob cache from the first bundle: not carried again.
      expect(statSync(second).size).toBeLessThan(payload.bytes / 4);
      const result = expectExit(await farCli(['bundle', 'apply', second], toSite));
      expect(result.stdout).toContain('sited: updated');
      expect(await running('sited')).toMatchObject({ image: v2.imageId, running: true });
    } finally {
      await site.stop();
    }
  }, 300_000);
});
