import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseImageRef, type ContainerDetails } from '../../src/domain/index.js';
import { silentLogger } from '../../src/log/index.js';
import { openStore, storeFile, type Store } from '../../src/store/index.js';
import { planGroup } from '../../src/updater/group.js';
import { reconcile } from '../../src/updater/index.js';
import { updateContainer, type MemberUpdate, type UpdateResult } from '../../src/updater/update-container.js';
import { FakeEngine } from '../support/fake-engine.js';

/**
 * The update logic against an in-memory engine (test/support/fake-engine.ts), by tables: for each
 * scenario, a run with no fault counts N, the mutating engine requests of one update; then the
 * engine is cut before and after each of the N, and after the engine is back the reconciler must
 * leave every container running under its name, wired to the current provider, with no copy left,
 * and one more update must complete it. The lab suite (test/faults) proves the same against the
 * real engine; this one runs in a second and shows a failing point with the whole engine state.
 */

const REPO = 'reg.test/app';
const SIDE_REPO = 'reg.test/side';
const IMAGES = {
  appOld: 'sha256:a0',
  appNew: 'sha256:a1',
  sideOld: 'sha256:b0',
  sideNew: 'sha256:b1',
  plain: 'sha256:c0',
} as const;
const DIGEST = { app: 'sha256:d1', side: 'sha256:d2' } as const;

type Scenario = 'stop-first' | 'start-first' | 'group' | 'group-own';
type Role = 'app' | 'side' | 'side2' | 'linkc' | 'dep';

interface Built {
  readonly engine: FakeEngine;
  /** The roles present, with the image each may end on. */
  readonly roles: ReadonlyMap<Role, { readonly old: string; readonly next: string }>;
}

function build(scenario: Scenario): Built {
  const engine = new FakeEngine();
  engine.addImage(IMAGES.appOld, [`${REPO}:1`]);
  engine.addImage(IMAGES.appNew);
  engine.addImage(IMAGES.sideOld, [`${SIDE_REPO}:1`], { ExposedPorts: { '8080/tcp': {} } });
  engine.addImage(IMAGES.sideNew, [], { ExposedPorts: { '8080/tcp': {} } });
  engine.addImage(IMAGES.plain, ['reg.test/plain:1']);
  engine.publish(`${REPO}@${DIGEST.app}`, IMAGES.appNew);
  engine.publish(`${SIDE_REPO}@${DIGEST.side}`, IMAGES.sideNew);
  const app = { old: IMAGES.appOld, next: IMAGES.appNew };
  if (scenario === 'stop-first' || scenario === 'start-first') {
    engine.run({
      name: 'app',
      image: `${REPO}:1`,
      hostConfig: { NetworkMode: scenario === 'start-first' ? 'net' : 'bridge' },
    });
    return { engine, roles: new Map([['app', app]]) };
  }
  engine.run({ name: 'app', image: `${REPO}:1` });
  engine.run({ name: 'side', image: `${SIDE_REPO}:1`, hostConfig: { NetworkMode: 'container:app' } });
  engine.run({ name: 'side2', image: 'reg.test/plain:1', hostConfig: { NetworkMode: 'container:side' } });
  engine.run({ name: 'linkc', image: `${REPO}:1`, hostConfig: { Links: ['app:db'] } });
  engine.run({ name: 'dep', image: 'reg.test/plain:1' });
  const stays = (image: string): { old: string; next: string } => ({ old: image, next: image });
  return {
    engine,
    roles: new Map<Role, { old: string; next: string }>([
      ['app', app],
      [
        'side',
        scenario === 'group-own' ? { old: IMAGES.sideOld, next: IMAGES.sideNew } : stays(IMAGES.sideOld),
      ],
      ['side2', stays(IMAGES.plain)],
      ['linkc', stays(IMAGES.appOld)],
      ['dep', stays(IMAGES.plain)],
    ]),
  };
}

async function memberUpdate(
  engine: FakeEngine,
  name: string,
  repo: string,
  digest: string,
): Promise<MemberUpdate> {
  const details = await engine.inspectContainer(name);
  const oldImage = details && (await engine.inspectImage(details.imageId));
  if (!details || !oldImage) throw new Error(`${name} is not there`);
  // Verified for a window of a second, on the fake clock below (the engine's containers never exit).
  const verify = { timeoutMs: 5000, windowMs: 1000 };
  return { details, ref: parseImageRef(`${repo}:1`), oldImage, digest, stopSignal: undefined, verify };
}

/** One update of app as a cycle asks for it: its group from the engine, side's own update in group-own. */
async function update(scenario: Scenario, engine: FakeEngine, store: Store): Promise<UpdateResult> {
  const main = await memberUpdate(engine, 'app', REPO, DIGEST.app);
  const dependents: ContainerDetails[] = [];
  if (scenario === 'group' || scenario === 'group-own') {
    for (const name of ['side', 'side2', 'linkc', 'dep']) {
      const details = await engine.inspectContainer(name);
      if (details) dependents.push(details);
    }
  }
  const updates = new Map<string, MemberUpdate>();
  const side = dependents.find((d) => d.name === 'side');
  if (scenario === 'group-own' && side && side.imageId === IMAGES.sideOld) {
    updates.set('side', await memberUpdate(engine, 'side', SIDE_REPO, DIGEST.side));
  }
  const members = planGroup(main.details, dependents, new Set(updates.keys())).slice(1);
  return updateContainer(
    {
      engine,
      credentials: { get: () => Promise.resolve(undefined) },
      logger: silentLogger(),
      journal: store.journal,
      plans: store.plans,
      badDigests: store.badDigests,
      ...fakeTime(),
    },
    {
      ...main,
      stopTimeoutMs: 1000,
      revive: false,
      cleanup: false,
      keepImages: 0,
      signal: new AbortController().signal,
      trigger: 'schedule',
      strategy: scenario === 'start-first' ? 'start-first' : 'stop-first',
      group: { members, updates },
    },
  );
}

/** A clock that moves only when the update sleeps, so verification takes no real time. */
function fakeTime(): { now: () => number; sleep: (ms: number) => Promise<void> } {
  let now = 1_800_000_000_000;
  return {
    now: () => now,
    sleep: (ms) => {
      now += ms;
      return Promise.resolve();
    },
  };
}

/** What must hold once the engine is back and the reconciler ran: nothing lost, nothing miswired. */
async function violations(built: Built, store: Store, completed: boolean): Promise<string[]> {
  const { engine, roles } = built;
  const found: string[] = [];
  const all = await engine.listContainers({ all: true });
  for (const copy of all.filter((c) => c.name.includes('-tidewatch-'))) found.push(`copy left: ${copy.name}`);
  const ids = new Map<string, string>();
  for (const [role, images] of roles) {
    const details = await engine.inspectContainer(role);
    if (!details) {
      found.push(`${role} is gone`);
      continue;
    }
    ids.set(role, details.id);
    if (details.state !== 'running') found.push(`${role} is ${details.state}`);
    const allowed = completed ? [images.next] : [images.old, images.next];
    if (!allowed.includes(details.imageId))
      found.push(`${role} runs ${details.imageId}, not ${allowed.join(' or ')}`);
  }
  const wiring: Array<[Role, Role]> = [
    ['side', 'app'],
    ['side2', 'side'],
  ];
  for (const [sharer, provider] of wiring) {
    if (!roles.has(sharer)) continue;
    const mode = (await engine.inspectContainer(sharer))?.hostConfig.NetworkMode;
    if (mode !== `container:${ids.get(provider) ?? '?'}`)
      found.push(`${sharer} joins ${mode ?? '?'}, not ${provider}`);
  }
  if (roles.has('linkc')) {
    const links = (await engine.inspectContainer('linkc'))?.hostConfig.Links ?? [];
    if (!links.includes('/app:/linkc/db')) found.push(`linkc links ${links.join(',') || 'nothing'}, not app`);
  }
  const open = store.journal.unfinished().map((row) => `${row.containerName} ${row.state}`);
  if (open.length > 0) found.push(`history rows left open: ${open.join(', ')}`);
  if (store.plans.unfinished().length > 0) found.push('a plan is left open');
  for (const role of roles.keys()) {
    if (store.badDigests.isBad(role, role === 'side' ? DIGEST.side : DIGEST.app)) {
      found.push(`${role}'s digest was marked bad`);
    }
  }
  return found;
}

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function freshStore(): Store {
  const dir = mkdtempSync(join(tmpdir(), 'tidewatch-fake-'));
  dirs.push(dir);
  return openStore(storeFile(dir), { clock: () => Date.now() });
}

const SCENARIOS: readonly Scenario[] = ['stop-first', 'start-first', 'group', 'group-own'];

describe('an update against the in-memory engine, cut at every mutating request', () => {
  for (const scenario of SCENARIOS) {
    it(`${scenario}: with no fault it commits, and every cut point leaves nothing lost`, async () => {
      const control = build(scenario);
      const controlStore = freshStore();
      const outcome = await update(scenario, control.engine, controlStore);
      expect(outcome.kind, control.engine.describe()).toBe('updated');
      expect(await violations(control, controlStore, true)).toEqual([]);
      controlStore.close();
      const n = control.engine.mutations().length;
      expect(n).toBeGreaterThan(2);

      const failures: string[] = [];
      for (let k = 1; k <= n; k++) {
        for (const when of ['before', 'after'] as const) {
          const built = build(scenario);
          const store = freshStore();
          built.engine.cutAt(k, when);
          const faulted = await update(scenario, built.engine, store);
          built.engine.restore();
          const logger = silentLogger();
          await reconcile({ engine: built.engine, journal: store.journal, plans: store.plans, logger });
          const repaired = await violations(built, store, false);
          let completed: string[] = [];
          if (repaired.length === 0) {
            const app = await built.engine.inspectContainer('app');
            if (app?.imageId !== IMAGES.appNew) {
              const again = await update(scenario, built.engine, store);
              if (again.kind !== 'updated')
                completed.push(`second update ${again.kind}: ${again.reason ?? ''}`);
            }
            completed = [...completed, ...(await violations(built, store, true))];
          }
          const problems = [
            ...repaired.map((p) => `after repair: ${p}`),
            ...completed.map((p) => `after completion: ${p}`),
          ];
          if (problems.length > 0) {
            const cut = built.engine.mutations()[k - 1];
            failures.push(
              `k=${k}/${n} ${when} (${cut?.method ?? '?'} ${cut?.target ?? ''}; faulted: ${faulted.kind}):\n  ${problems.join('\n  ')}\n${built.engine.describe()}`,
            );
          }
          store.close();
        }
      }
      expect(failures, failures.join('\n\n')).toEqual([]);
    });
  }
});
