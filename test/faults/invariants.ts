import { readFile, readlink } from 'node:fs/promises';
import type Docker from 'dockerode';
import { openStore, storeFile, type Store } from '../../src/store/index.js';
import { labDocker } from '../lab/index.js';
import { member, type FaultCase, type Member, type Role } from './scenarios.js';

/**
 * The fault suite's invariants: what must hold after a run interrupted anywhere, once a plain run
 * has repaired it (checkInvariants), and once a further run has finished the update
 * (checkCompleted). Each returns every violation found rather than stopping at the first, so a
 * failing cut point shows all it broke, and the suite can count distinct kinds of failure.
 */

/** One broken invariant: `kind` names the invariant (for counting), `detail` what was found. */
export interface Violation {
  readonly kind: string;
  readonly detail: string;
}

/** A member as the engine showed it before the update. */
export interface MemberState {
  readonly id: string;
  readonly imageId: string;
  readonly running: boolean;
}

/** The state a case starts from; checkInvariants compares against it. */
export interface Before {
  readonly fault: FaultCase;
  readonly states: ReadonlyMap<Role, MemberState>;
}

type Inspect = Docker.ContainerInspectInfo;

async function inspectOrUndefined(name: string): Promise<Inspect | undefined> {
  try {
    return await labDocker().getContainer(name).inspect();
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return undefined;
    throw error;
  }
}

export async function snapshot(fault: FaultCase): Promise<Before> {
  const states = new Map<Role, MemberState>();
  for (const m of fault.members) {
    const info = await labDocker().getContainer(m.name).inspect();
    states.set(m.role, { id: info.Id, imageId: info.Image, running: info.State.Running });
  }
  return { fault, states };
}

const short = (id: string | undefined | null): string => (id ?? '-').replace(/^sha256:/, '').slice(0, 12);

/** `old`, `new` or the short id: which of its images a member runs. */
function imageName(m: Member, imageId: string): string {
  if (imageId === m.oldImageId) return 'old';
  if (imageId === m.newImageId) return 'new';
  return short(imageId);
}

/** The engine's containers of a case: members by name, and anything else under its prefix or scope. */
interface EngineView {
  readonly members: ReadonlyMap<Role, Inspect | undefined>;
  /** Names (without `/`) of the case's containers that are not a member's name. */
  readonly strays: readonly string[];
}

async function readEngine(fault: FaultCase): Promise<EngineView> {
  const members = new Map<Role, Inspect | undefined>();
  for (const m of fault.members) members.set(m.role, await inspectOrUndefined(m.name));
  const names = new Set(fault.members.map((m) => m.name));
  const strays = (await labDocker().listContainers({ all: true }))
    .filter(
      (c) =>
        c.Labels['tidewatch.scope'] === fault.scope || c.Names.some((n) => n.startsWith(`/${fault.scope}-`)),
    )
    .flatMap((c) => c.Names.map((n) => n.replace(/^\//, '')).filter((n) => !n.includes('/')))
    .filter((n) => !names.has(n));
  return { members, strays };
}

/** HostConfig.Links, which @types/dockerode leaves untyped. */
const linksOf = (info: Inspect): string[] => (info.HostConfig.Links ?? []) as string[];

/** One line per container: what a failure message shows of the engine. */
export async function describeEngine(fault: FaultCase): Promise<string> {
  const view = await readEngine(fault);
  const lines = fault.members.map((m) => {
    const info = view.members.get(m.role);
    if (info === undefined) return `  ${m.role}: missing`;
    const state = info.State.Running ? 'running' : `${info.State.Status}(${info.State.ExitCode})`;
    const extra = [
      info.HostConfig.NetworkMode?.startsWith('container:') === true
        ? `netns=${info.HostConfig.NetworkMode.replace(/[0-9a-f]{64}/, (id) => short(id))}`
        : '',
      linksOf(info).length > 0 ? `links=${linksOf(info).join(',')}` : '',
    ].filter((text) => text !== '');
    return `  ${m.role}: ${short(info.Id)} ${state} image=${imageName(m, info.Image)} ${extra.join(' ')}`.trimEnd();
  });
  const strays = await Promise.all(
    view.strays.map(async (name) => {
      const info = await inspectOrUndefined(name);
      const state = info === undefined ? 'gone' : info.State.Running ? 'running' : info.State.Status;
      return `  stray: ${name} ${short(info?.Id)} ${state}`;
    }),
  );
  return [...lines, ...strays].join('\n');
}

/** The network namespace a running container's process is in, as the host sees it. */
async function netns(info: Inspect): Promise<string | undefined> {
  if (!info.State.Running || info.State.Pid <= 0) return undefined;
  try {
    return await readlink(`/proc/${info.State.Pid}/ns/net`);
  } catch {
    return undefined; // not readable here (not root, or another pid namespace): only the mode is checked
  }
}

async function checkNamespace(
  m: Member,
  provider: Member,
  info: Inspect,
  providerInfo: Inspect | undefined,
): Promise<Violation[]> {
  if (providerInfo === undefined) return []; // reported as missing already
  const mode = info.HostConfig.NetworkMode ?? '';
  const out: Violation[] = [];
  // The engine keeps `container:<id>` whatever the create said: a name would follow the name.
  if (mode !== `container:${providerInfo.Id}`) {
    const pointsAt = mode.replace(/^container:/, '');
    out.push({
      kind: `${m.role} NetworkMode is not the current ${provider.role}`,
      detail: `${m.name} has NetworkMode ${mode.replace(pointsAt, short(pointsAt))}, the current ${provider.name} is ${short(providerInfo.Id)}`,
    });
  }
  const [own, theirs] = await Promise.all([netns(info), netns(providerInfo)]);
  if (own !== undefined && theirs !== undefined && own !== theirs) {
    out.push({
      kind: `${m.role} is not in the current ${provider.role}'s network namespace`,
      detail: `${m.name} is in ${own}, ${provider.name} (${short(providerInfo.Id)}) in ${theirs}`,
    });
  }
  return out;
}

async function checkLink(
  m: Member,
  target: Member,
  alias: string,
  info: Inspect,
  targetInfo: Inspect | undefined,
): Promise<Violation[]> {
  if (targetInfo === undefined) return [];
  const expected = `/${target.name}:/${m.name}/${alias}`;
  const links = linksOf(info);
  const out: Violation[] = [];
  if (!links.includes(expected)) {
    out.push({
      kind: `${m.role} link does not point at ${target.role}`,
      detail: `${m.name} has Links ${JSON.stringify(links)}, expected ${expected}`,
    });
  }
  // A legacy link is resolved when the client starts: its hosts file must name the current target.
  const ip = targetInfo.NetworkSettings.Networks?.bridge?.IPAddress ?? '';
  if (info.State.Running && ip !== '' && info.HostsPath !== '') {
    const hosts = await readFile(info.HostsPath, 'utf8').catch(() => undefined);
    const line = hosts?.split('\n').find((l) => new RegExp(`\\s${alias}(\\s|$)`).test(l));
    if (hosts !== undefined && !(line?.startsWith(`${ip}\t`) ?? false)) {
      out.push({
        kind: `${m.role} link resolves to a stale ${target.role}`,
        detail: `${m.name}'s hosts file has "${line ?? `no ${alias}`}", ${target.name} is at ${ip}`,
      });
    }
  }
  return out;
}

async function checkEngine(before: Before, view: EngineView): Promise<Violation[]> {
  const { fault } = before;
  const out: Violation[] = [];
  for (const m of fault.members) {
    const info = view.members.get(m.role);
    const was = before.states.get(m.role);
    if (info === undefined) {
      out.push({ kind: `${m.role} missing`, detail: `no container named ${m.name}` });
      continue;
    }
    if (was?.running === true && !info.State.Running) {
      out.push({
        kind: `${m.role} not running`,
        detail: `${m.name} (${short(info.Id)}) is ${info.State.Status}, exit code ${info.State.ExitCode}`,
      });
    }
    const allowed = [m.oldImageId, ...(m.newImageId === undefined ? [] : [m.newImageId])];
    if (!allowed.includes(info.Image)) {
      const what = m.newImageId === undefined && info.Image === member(fault, 'app').newImageId;
      out.push({
        kind: what ? `${m.role} moved to app's new image` : `${m.role} on an unexpected image`,
        detail: `${m.name} runs ${short(info.Image)}; allowed: ${allowed.map(short).join(', ')}`,
      });
    }
    if (m.sharesNetworkOf !== undefined) {
      const provider = member(fault, m.sharesNetworkOf);
      out.push(...(await checkNamespace(m, provider, info, view.members.get(provider.role))));
    }
    if (m.linksTo !== undefined) {
      const target = member(fault, m.linksTo.role);
      out.push(...(await checkLink(m, target, m.linksTo.alias, info, view.members.get(target.role))));
    }
  }
  for (const stray of view.strays) {
    const kind = stray.includes('-tidewatch-old-')
      ? 'parked -tidewatch-old- container left'
      : stray.includes('-tidewatch-new-')
        ? 'temporary -tidewatch-new- container left'
        : 'unexpected container in the scope';
    out.push({ kind, detail: stray });
  }
  return out;
}

function checkStore(store: Store, fault: FaultCase, view: EngineView): Violation[] {
  const out: Violation[] = [];
  const open = store.journal.unfinished();
  if (open.length > 0) {
    out.push({
      kind: 'journal has unfinished updates',
      detail: open.map((r) => `#${r.id} ${r.containerName} ${r.state}`).join('; '),
    });
  }
  // Group plans (src/store/plans.ts), read loosely: their API is younger than this suite.
  const plans = (store as { plans?: { unfinished?: () => Array<{ id: number }> } }).plans;
  const openPlans = plans?.unfinished?.() ?? [];
  if (openPlans.length > 0) {
    out.push({
      kind: 'unfinished group plans',
      detail: openPlans.map((p) => `#${p.id} ${JSON.stringify(p).slice(0, 200)}`).join('; '),
    });
  }
  const rows = store.history.list({ limit: 100 }).items;
  const terminal = new Set(['committed', 'rolled-back', 'failed']);
  for (const row of rows.filter((r) => !terminal.has(r.state))) {
    out.push({ kind: 'history row not finished', detail: `#${row.id} ${row.containerName} is ${row.state}` });
  }
  for (const m of fault.members) {
    const newest = rows.find((r) => r.containerName === m.name); // newest first
    const info = view.members.get(m.role);
    if (newest !== undefined && info !== undefined) {
      const expected =
        newest.state === 'committed'
          ? newest.toImageId
          : newest.state === 'rolled-back'
            ? newest.fromImageId
            : undefined;
      if (expected !== undefined && expected !== null && info.Image !== expected) {
        out.push({
          kind: `history says ${newest.state} but ${m.role} runs another image`,
          detail: `#${newest.id} ${m.name} ${newest.state} (${short(newest.fromImageId)} → ${short(newest.toImageId)}), engine runs ${short(info.Image)}`,
        });
      }
    }
    const bad = store.badDigests.list(m.name);
    if (bad.length > 0) {
      out.push({
        kind: 'digest marked bad',
        detail: bad
          .map((b) => `${m.name} ${short(b.digest.replace(/^sha256:/, ''))}: ${b.reason}`)
          .join('; '),
      });
    }
  }
  return out;
}

function readStore<T>(dataDir: string, read: (store: Store) => T): T {
  const store = openStore(storeFile(dataDir), { clock: Date.now });
  try {
    return read(store);
  } finally {
    store.close();
  }
}

/**
 * After an interrupted run and a plain run that repaired it: every member runs under its own name,
 * on its old image or its own new one; every namespace sharer is in its current provider's
 * namespace and every link client links to the current target; no parked or temporary copy is left;
 * the journal is empty, history agrees with the engine, and no digest is marked bad.
 */
export async function checkInvariants(before: Before, dataDir: string): Promise<Violation[]> {
  const view = await readEngine(before.fault);
  return [
    ...(await checkEngine(before, view)),
    ...readStore(dataDir, (store) => checkStore(store, before.fault, view)),
  ];
}

/**
 * After a further plain run: the invariants, and the update done: every member with an update of
 * its own runs its new image, every other one (linkc, monitor-only on app's moved tag, included)
 * its old one.
 */
export async function checkCompleted(before: Before, dataDir: string): Promise<Violation[]> {
  const out = await checkInvariants(before, dataDir);
  const view = await readEngine(before.fault);
  for (const m of before.fault.members) {
    const info = view.members.get(m.role);
    const target = m.newImageId ?? m.oldImageId;
    if (
      info !== undefined &&
      info.Image !== target &&
      !out.some((v) => v.detail.startsWith(`${m.name} runs`))
    ) {
      out.push({
        kind: m.newImageId === undefined ? `${m.role} left its old image` : `${m.role} not updated`,
        detail: `${m.name} runs ${imageName(m, info.Image)} (${short(info.Image)}), expected ${m.newImageId === undefined ? 'old' : 'new'}`,
      });
    }
  }
  return out;
}
