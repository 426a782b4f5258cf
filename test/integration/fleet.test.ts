import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildAndPush,
  startEngines,
  startRegistry,
  stopEngines,
  uniqueName,
  type ExtraEngine,
  type LabRegistry,
} from '../lab/index.js';
import { useLab } from '../support/lab.js';
import { launchChromium } from '../support/browser.js';
import { startHttpReceiver, type HttpReceiver } from '../support/receivers.js';
import { expectExit, runCli } from '../support/tidewatch.js';
import { eventually } from '../support/images.js';
import {
  settledContainers,
  MEMBER_API_TOKEN,
  apiUrlOf,
  fleetEventually,
  fleetMember,
  runOn,
  runningDigest,
  startController,
  type Controller,
  type FleetViewJson,
  type Member,
} from '../support/fleet.js';

/** Screenshots, kept as test artefacts (test-artifacts/ is not committed). */
const ARTIFACTS = join(process.cwd(), 'test-artifacts', 'dashboard');
const SOAK_MS = 4000;
const TIMEOUT_MS = 10_000;
const LONG = 150_000;

/**
 * A real fleet on this machine (docs/fleet.md): three extra engines (scripts/lab-engines.sh), a
 * member Tidewatch on each, one controller, two registries. Member a is the canary (wave 0), b is
 * wave 1, c wave 2; c also runs the production image that a promotion rule fills from the canaries'
 * verified digest. The tests run in order: each starts from where the one before left the fleet.
 */
describe('fleet', () => {
  const lab = useLab();
  const engineNames = ['fl-a', 'fl-b', 'fl-c'];
  let engines: ExtraEngine[] = [];
  let production: LabRegistry;
  /** The controller's notification URL. */
  let receiver: HttpReceiver;
  let controller: Controller;
  let members: Member[] = [];
  const tokens: Record<string, string> = {};
  let repo: string;
  let stableRepo: string;
  let ref: string;
  let stableRef: string;
  const digests: Record<string, string> = {};

  const member = (name: string): Member => {
    const found = members.find((m) => m.name === name);
    if (!found) throw new Error(`no member ${name}`);
    return found;
  };
  const onApp = (name: string): Promise<string | undefined> =>
    runningDigest(member(name).engine, 'app', repo);
  const rolloutOf = (view: FleetViewJson, digest: string): FleetViewJson['rollouts'][number] | undefined =>
    view.rollouts.find((r) => r.ref === ref && r.digest === digest);
  /** Moves the tag the fleet follows to a new image (a CI push); its digest is kept as `version`. */
  const publish = async (version: string, options = {}): Promise<string> => {
    const { digest } = await buildAndPush(ref, options);
    digests[version] = digest;
    return digest;
  };

  beforeAll(async () => {
    production = await startRegistry();
    receiver = await startHttpReceiver();
    await stopEngines(engineNames);
    engines = await startEngines(engineNames);
    const name = uniqueName('fleet');
    repo = `${lab.registry.host}/${name}`;
    ref = `${repo}:live`;
    stableRepo = `${production.host}/${name}`;
    stableRef = `${stableRepo}:stable`;
    digests['1'] = (await buildAndPush(ref)).digest;
    digests.s1 = (await buildAndPush(stableRef)).digest;
    for (const engine of engines) await runOn(engine, 'app', ref);
    const [a, b, c] = engines as [ExtraEngine, ExtraEngine, ExtraEngine];
    await runOn(c, 'prod', stableRef);

    controller = await startController(
      [
        '--interval',
        '2s',
        '--wave-soak',
        `${SOAK_MS / 1000}s`,
        '--wave-timeout',
        `${TIMEOUT_MS / 1000}s`,
        '--promote',
        `${ref}=${stableRef}@1`,
        '--notification-url',
        `generic+http://127.0.0.1:${receiver.port}/fleet`,
      ],
      uniqueName('fleet-scope'),
    );
    for (const name of ['a', 'b', 'c']) tokens[name] = await controller.token(name);
    members = [
      fleetMember(controller, a, 'a', 0, tokens.a ?? ''),
      fleetMember(controller, b, 'b', 1, tokens.b ?? ''),
      fleetMember(controller, c, 'c', 2, tokens.c ?? ''),
    ];
    for (const m of members) await m.start();
    const view = await fleetEventually(
      controller,
      (v) => v.members.length === 3 && v.members.every((m) => m.online && m.containers.length > 0),
      30_000,
    );
    expect(view.members.map((m) => [m.name, m.wave]).sort()).toEqual([
      ['a', 0],
      ['b', 1],
      ['c', 2],
    ]);
  }, 300_000);

  afterAll(async () => {
    for (const m of members) await m.daemon.stop().catch(() => undefined);
    await controller?.stop();
    await stopEngines(engineNames);
    await production?.stop();
    await receiver?.close();
  }, 300_000);

  it(
    'rolls a new digest to the canary first, to the next wave only after the soak, and promotes it after wave 1',
    async () => {
      const v2 = await publish('2');
      let canarySeen = false;
      let whenCanary: { b?: string; stable?: string } = {};
      await eventually(
        async () => {
          const [da, db] = [await onApp('a'), await onApp('b')];
          if (!canarySeen && da === v2) {
            canarySeen = true;
            whenCanary = { b: db, stable: await runningDigest(member('c').engine, 'prod', stableRepo) };
          }
          return { da, db };
        },
        (s) => s.da === v2 && s.db === v2,
        90_000,
      );
      // When the canary ran it, wave 1 and the promoted image had not moved.
      expect(whenCanary.b).toBe(digests['1']);
      expect(whenCanary.stable).toBe(digests.s1);

      const done = await fleetEventually(controller, (v) => rolloutOf(v, v2)?.state === 'done', 90_000);
      const rollout = rolloutOf(done, v2);
      expect(rollout?.passedWaves).toEqual([0, 1, 2]);
      expect(rollout?.members.map((m) => [m.name, m.progress]).sort()).toEqual([
        ['a', 'committed'],
        ['b', 'committed'],
        ['c', 'committed'],
      ]);
      // By the controller's clock: wave 1 committed no sooner than a soak after the canary did (it
      // was not told before), wave 2 no sooner than a soak after wave 1.
      const committed = (name: string): number =>
        rollout?.members.find((m) => m.name === name)?.committedAt ?? 0;
      expect(committed('b') - committed('a')).toBeGreaterThanOrEqual(SOAK_MS);
      expect(committed('c') - committed('b')).toBeGreaterThanOrEqual(SOAK_MS);
      // The promotion copied exactly the verified digest; c, following the production tag, runs it.
      expect(rollout?.promotions).toEqual([expect.objectContaining({ to: stableRef, state: 'copied' })]);
      const prod = await eventually(
        () => runningDigest(member('c').engine, 'prod', stableRepo),
        (d) => d === v2,
        90_000,
      );
      expect(prod).toBe(v2);
      expect(await onApp('c')).toBe(v2);
    },
    LONG,
  );

  it(
    'halts a digest the canary rolled back: no other member ever pulls it, nothing is promoted',
    async () => {
      const broken = await publish('3', { cmd: ['sh', '-c', 'echo starting; echo boom >&2; exit 3'] });
      const halted = await fleetEventually(
        controller,
        (v) => rolloutOf(v, broken)?.state === 'halted',
        90_000,
      );
      const rollout = rolloutOf(halted, broken);
      expect(rollout?.failure).toEqual(expect.objectContaining({ member: 'a', container: 'app' }));
      expect(rollout?.members.find((m) => m.name === 'a')?.progress).toBe('rolled-back');
      // Said once, naming the member, the reason and the failed container's last log lines.
      const said = await eventually(
        () =>
          receiver.requests.filter(
            (r) => (r.json as { event?: string } | undefined)?.event === 'rollout-halted',
          ),
        (found) => found.length > 0,
        30_000,
      );
      const message = (said[0]?.json as { message: string }).message;
      expect(message).toContain(`a/app rolled it back`);
      expect(message).toContain('boom');
      // The canary is back on the digest before; running.
      expect(await onApp('a')).toBe(digests['2']);
      const canary = await member('a').engine.docker.getContainer('app').inspect();
      expect(canary.State.Running).toBe(true);

      // Long enough for a soak and two checks: the others never get it, the bad digest stays out.
      await new Promise((resolve) => setTimeout(resolve, SOAK_MS + 5000));
      for (const name of ['b', 'c']) {
        expect(await onApp(name)).toBe(digests['2']);
        await expect(member(name).engine.docker.getImage(`${repo}@${broken}`).inspect()).rejects.toThrow();
      }
      expect(await runningDigest(member('c').engine, 'prod', stableRepo)).toBe(digests['2']);
      const later = await controller.view();
      expect(later.rollouts.filter((r) => r.digest === broken).map((r) => r.state)).toEqual(['halted']);
    },
    LONG,
  );

  it("the dashboard shows the members and every rollout with its members' progress", async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      await page.goto(`${controller.url}/#/fleet`);
      for (const name of ['a', 'b', 'c']) {
        await page.locator(`tr[data-member="${name}"]`, { hasText: 'online' }).waitFor({ timeout: 15_000 });
      }
      const halted = page.locator('li[data-state="halted"]', { hasText: 'Rolled back on a (app)' });
      await halted.waitFor({ timeout: 15_000 });
      expect(await halted.locator('li[data-member="a"]').textContent()).toBe('a (wave 0): rolled-back');
      const done = page.locator('li[data-state="done"]', { hasText: 'promoted to' }).first();
      expect(await done.locator('li[data-progress="committed"]').count()).toBe(3);
      expect(await page.locator('nav a', { hasText: 'Fleet' }).getAttribute('aria-current')).toBe('true');
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: join(ARTIFACTS, 'fleet.png'), fullPage: true });
    } finally {
      await browser.close();
    }
  }, 60_000);

  it('survives a controller restart: members come back by themselves, and a halted digest stays bad', async () => {
    await controller.restart();
    const back = await fleetEventually(
      controller,
      (v) => v.members.length === 3 && v.members.every((m) => m.online && m.containers.length > 0),
      60_000,
    );
    expect(back.members.every((m) => m.online)).toBe(true);
    // The tag still points at the broken digest; two checks after every member is back, nothing
    // rolls it out again.
    const checks = (): number =>
      controller.daemon
        .stderr()
        .split('\n')
        .filter((line) => line.includes('"msg":"fleet check finished"')).length;
    const before = checks();
    expect(await eventually(checks, (count) => count >= before + 2, 30_000)).toBeGreaterThanOrEqual(
      before + 2,
    );
    const view = await controller.view();
    expect(view.rollouts.filter((r) => r.digest === digests['3'])).toEqual([]);
    for (const name of ['a', 'b', 'c']) expect(await onApp(name)).toBe(digests['2']);
  }, 120_000);

  it('finishes consistently when the canary is killed in the middle of its update and restarted', async () => {
    const a = member('a');
    await a.stop();
    const crashing = await a.start({ TIDEWATCH_TEST_CRASH_AFTER: 'new-created' });
    const v4 = await publish('4');
    // SIGKILLed right after the new container was created: no exit code.
    expect(await crashing.exited).toBeNull();
    // Offline through its wave: the canary wave holds (no other wave has proved the digest).
    const held = await fleetEventually(
      controller,
      (v) =>
        rolloutOf(v, v4)?.members.some(
          (m) => m.name === 'a' && ['offline', 'skipped'].includes(m.progress),
        ) === true,
      60_000,
    );
    expect(rolloutOf(held, v4)?.wave).toBe(0);
    expect(await onApp('b')).toBe(digests['2']);

    await a.start();
    await eventually(
      async () => [await onApp('a'), await onApp('b'), await onApp('c')],
      (all) => all.every((d) => d === v4),
      120_000,
    );
    // Nothing left behind by the kill: no parked or temporary copy (the parked one goes at commit).
    expect(await settledContainers(a.engine)).toEqual(['app']);
    expect((await a.engine.docker.getContainer('app').inspect()).State.Running).toBe(true);
    const done = await fleetEventually(controller, (v) => rolloutOf(v, v4)?.state === 'done', 60_000);
    expect(rolloutOf(done, v4)?.passedWaves).toEqual([0, 1, 2]);
  }, 240_000);

  it('skips a member offline through its wave after the timeout, and gives it the digest when it returns', async () => {
    const b = member('b');
    await b.stop();
    const v5 = await publish('5');
    const skipped = await fleetEventually(
      controller,
      (v) => rolloutOf(v, v5)?.members.some((m) => m.name === 'b' && m.progress === 'skipped') === true,
      90_000,
    );
    expect(rolloutOf(skipped, v5)?.passedWaves).toContain(0);
    // The wave after it went on.
    await eventually(
      () => onApp('c'),
      (d) => d === v5,
      90_000,
    );
    expect(await onApp('b')).toBe(digests['4']);

    await b.start();
    expect(
      await eventually(
        () => onApp('b'),
        (d) => d === v5,
        90_000,
      ),
    ).toBe(v5);
    // Its report follows the update (the engine shows v5 a moment before the controller hears it).
    const done = await fleetEventually(
      controller,
      (v) =>
        rolloutOf(v, v5)?.state === 'done' &&
        rolloutOf(v, v5)?.members.find((m) => m.name === 'b')?.progress === 'committed',
      60_000,
    );
    expect(rolloutOf(done, v5)?.members.find((m) => m.name === 'b')?.progress).toBe('committed');
    expect(await settledContainers(b.engine)).toEqual(['app']);
  }, 240_000);

  it("shows the fleet on the CLI, refuses a token that is not the member's, and cuts a revoked member off", async () => {
    const api = { TIDEWATCH_HTTP_ADDR: controller.url.replace('http://', '') };
    const status = expectExit(await runCli(['fleet', 'status'], api)).stdout;
    expect(status).toMatch(/^a\s+0\s+online\s/m);
    expect(status).toMatch(/^c\s+2\s+online\s.*\s2\s*$/m);
    const rollouts = JSON.parse(expectExit(await runCli(['fleet', 'rollouts', '--json'], api)).stdout) as {
      digest: string;
      state: string;
    }[];
    expect(rollouts.find((r) => r.digest === digests['4'])?.state).toBe('done');
    expect(rollouts.find((r) => r.digest === digests['5'])?.state).toBe('done');

    // A container started on b later is in the controller's view after b's next run of its own.
    await runOn(member('b').engine, 'later', ref);
    const run = await fetch(`${apiUrlOf(member('b').daemon)}/api/v1/check`, {
      method: 'POST',
      headers: { authorization: `Bearer ${MEMBER_API_TOKEN}` },
    });
    expect(run.status).toBe(200);
    const seen = await fleetEventually(
      controller,
      (v) => v.members.find((m) => m.name === 'b')?.containers.some((c) => c.name === 'later') === true,
      30_000,
    );
    expect(
      seen.members
        .find((m) => m.name === 'b')
        ?.containers.map((c) => c.name)
        .sort(),
    ).toEqual(['app', 'later']);

    // b's token presented as a's; an unknown one.
    const report = (token: string, name: string) =>
      fetch(`${controller.url}/api/v1/fleet/report`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'x-tidewatch-member': name,
          'content-type': 'application/json',
        },
        body: JSON.stringify({ version: '0', wave: 0, containers: [], outcomes: [] }),
      });
    const stolen = await report(tokens.b ?? '', 'a');
    expect(stolen.status).toBe(401);
    expect(await stolen.text()).toContain("the token is member b's, not a's");
    expect((await report('twm_nothing', 'a')).status).toBe(401);

    const store = { TIDEWATCH_DATA_DIR: controller.dataDir };
    const revokedAfter = Date.now();
    expect(expectExit(await runCli(['fleet', 'token', 'revoke', 'c'], store)).stdout).toContain('revoked');
    const cut = await fleetEventually(
      controller,
      (v) => v.members.find((m) => m.name === 'c')?.online === false,
      10_000,
    );
    expect(cut.members.find((m) => m.name === 'c')?.online).toBe(false);
    const log = await eventually(
      () => member('c').daemon.stderr(),
      (text) => text.includes('unknown or revoked member token'),
      10_000,
    );
    expect(log).toContain('unknown or revoked member token');
    const listed = JSON.parse(
      expectExit(await runCli(['fleet', 'token', 'list', '--json'], store)).stdout,
    ) as {
      member: string;
      revokedAt: string | null;
      revokedAtMs: number | null;
    }[];
    expect(listed.map((t) => [t.member, t.revokedAt !== null])).toEqual([
      ['a', false],
      ['b', false],
      ['c', true],
    ]);
    expect(listed[2]?.revokedAtMs).toBeGreaterThanOrEqual(revokedAfter - 1000);
    expect(listed[2]?.revokedAt).toBe(new Date(listed[2]?.revokedAtMs ?? 0).toISOString());
  });
});
