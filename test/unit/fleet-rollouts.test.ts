import { describe, expect, it } from 'vitest';
import { Rollouts, type FleetMember } from '../../src/fleet/index.js';

const REF = 'registry.example/app:live';
const OLD = `sha256:${'0'.repeat(64)}`;
const NEW = `sha256:${'1'.repeat(64)}`;
const NEWER = `sha256:${'2'.repeat(64)}`;
const SOAK = 10_000;
const TIMEOUT = 60_000;

function fleet(spec: Record<string, number>): Map<string, FleetMember> {
  return new Map(
    Object.entries(spec).map(([name, wave]) => [
      name,
      {
        name,
        wave,
        version: '1',
        online: true,
        lastSeen: 0,
        containers: [{ name: 'app', ref: REF, digest: OLD }],
      },
    ]),
  );
}

const commit = (members: Map<string, FleetMember>, name: string, digest = NEW): void => {
  const member = members.get(name);
  if (member) member.containers = member.containers.map((c) => ({ ...c, digest }));
};

const targetsOf = (rollouts: Rollouts, members: Map<string, FleetMember>): Record<string, string[]> =>
  Object.fromEntries([...members.values()].map((m) => [m.name, rollouts.targetsFor(m).map((t) => t.digest)]));

function setup(spec: Record<string, number>, bad = new Set<string>()) {
  const members = fleet(spec);
  const rollouts = new Rollouts({ soakMs: SOAK, timeoutMs: TIMEOUT }, (ref, digest) => bad.has(digest));
  return { members, rollouts };
}

describe('rollouts', () => {
  it('instructs wave 0 only, then the next wave once every canary committed and the soak passed', () => {
    const { members, rollouts } = setup({ canary: 0, b: 1, c: 1, d: 2 });
    const started = rollouts.observe(REF, NEW, members.values(), 0);
    expect(started.map((e) => e.kind)).toEqual(['started']);
    expect(targetsOf(rollouts, members)).toEqual({ canary: [NEW], b: [], c: [], d: [] });

    commit(members, 'canary');
    expect(rollouts.advance(members, 1000)).toEqual([]);
    // One ms short of the soak: still wave 0.
    expect(rollouts.advance(members, 1000 + SOAK - 1)).toEqual([]);
    const passed = rollouts.advance(members, 1000 + SOAK);
    expect(passed.map((e) => e.kind)).toEqual(['wave-passed']);
    expect(targetsOf(rollouts, members)).toEqual({ canary: [NEW], b: [NEW], c: [NEW], d: [] });

    commit(members, 'b');
    rollouts.advance(members, 20_000);
    commit(members, 'c');
    rollouts.advance(members, 25_000);
    // The soak counts from the wave's last commit (c, at 25 s).
    expect(rollouts.advance(members, 25_000 + SOAK - 1)).toEqual([]);
    expect(rollouts.advance(members, 25_000 + SOAK).map((e) => e.kind)).toEqual(['wave-passed']);
    commit(members, 'd');
    rollouts.advance(members, 40_000);
    const done = rollouts.advance(members, 40_000 + SOAK);
    expect(done.map((e) => e.kind)).toEqual(['wave-passed', 'done']);
    expect(rollouts.latest(REF)?.passed).toEqual([0, 1, 2]);
    expect(rollouts.latest(REF)?.state).toBe('done');
  });

  it('halts on a rollback anywhere: nobody else is instructed, and the digest is never started again', () => {
    const bad = new Set<string>();
    const { members, rollouts } = setup({ canary: 0, b: 1 }, bad);
    rollouts.observe(REF, NEW, members.values(), 0);
    const halted = rollouts.outcomes(
      'canary',
      [{ container: 'app', ref: REF, digest: NEW, action: 'rolled-back', reason: 'exited 3', logs: 'boom' }],
      500,
    );
    expect(halted).toEqual([
      expect.objectContaining({
        kind: 'halted',
        failure: { member: 'canary', container: 'app', reason: 'exited 3' },
      }),
    ]);
    bad.add(NEW);
    expect(rollouts.advance(members, 60_000)).toEqual([]);
    expect(targetsOf(rollouts, members)).toEqual({ canary: [], b: [] });
    expect(rollouts.progress(rollouts.latest(REF)!, members.get('canary')!)).toBe('rolled-back');
    // The next check sees the same digest: nothing starts.
    expect(rollouts.observe(REF, NEW, members.values(), 61_000)).toEqual([]);
    // A newer digest starts a new rollout from wave 0.
    expect(rollouts.observe(REF, NEWER, members.values(), 62_000).map((e) => e.kind)).toEqual(['started']);
    expect(targetsOf(rollouts, members)).toEqual({ canary: [NEWER], b: [] });
  });

  it('a failed update (not a rollback) does not halt: the member is skipped after the timeout', () => {
    const { members, rollouts } = setup({ canary: 0, other: 0, b: 1 });
    rollouts.observe(REF, NEW, members.values(), 0);
    expect(
      rollouts.outcomes(
        'other',
        [{ container: 'app', ref: REF, digest: NEW, action: 'failed', reason: 'pull', logs: null }],
        1,
      ),
    ).toEqual([]);
    commit(members, 'canary');
    rollouts.advance(members, 1000);
    expect(rollouts.advance(members, TIMEOUT - 1)).toEqual([]);
    const events = rollouts.advance(members, TIMEOUT);
    expect(events.map((e) => e.kind)).toEqual(['skipped', 'wave-passed']);
    expect(rollouts.progress(rollouts.latest(REF)!, members.get('other')!)).toBe('skipped');
  });

  it('holds the canary wave when no canary ever commits: the digest never reaches the others', () => {
    const { members, rollouts } = setup({ canary: 0, b: 1 });
    members.get('canary')!.online = false;
    rollouts.observe(REF, NEW, members.values(), 0);
    expect(rollouts.progress(rollouts.latest(REF)!, members.get('canary')!)).toBe('offline');
    expect(rollouts.advance(members, TIMEOUT).map((e) => e.kind)).toEqual(['skipped']);
    expect(rollouts.advance(members, 10 * TIMEOUT)).toEqual([]);
    expect(targetsOf(rollouts, members)).toEqual({ canary: [NEW], b: [] });
    // It comes back and commits: the rollout goes on.
    members.get('canary')!.online = true;
    commit(members, 'canary');
    rollouts.advance(members, 11 * TIMEOUT);
    expect(rollouts.advance(members, 11 * TIMEOUT + SOAK).map((e) => e.kind)).toEqual(['wave-passed']);
    expect(targetsOf(rollouts, members)).toEqual({ canary: [NEW], b: [NEW] });
  });

  it('passes a later wave whose members are all offline once the timeout ran out, and they get it on return', () => {
    const { members, rollouts } = setup({ canary: 0, away: 1, last: 2 });
    rollouts.observe(REF, NEW, members.values(), 0);
    commit(members, 'canary');
    rollouts.advance(members, 0);
    rollouts.advance(members, SOAK);
    members.get('away')!.online = false;
    expect(rollouts.advance(members, SOAK + TIMEOUT).map((e) => e.kind)).toEqual(['skipped', 'wave-passed']);
    expect(targetsOf(rollouts, members)).toEqual({ canary: [NEW], away: [NEW], last: [NEW] });
    commit(members, 'last');
    rollouts.advance(members, SOAK + TIMEOUT + 1);
    expect(rollouts.advance(members, 2 * SOAK + TIMEOUT + 1).map((e) => e.kind)).toEqual([
      'wave-passed',
      'done',
    ]);
    expect(rollouts.progress(rollouts.latest(REF)!, members.get('away')!)).toBe('skipped');
    commit(members, 'away');
    expect(rollouts.progress(rollouts.latest(REF)!, members.get('away')!)).toBe('committed');
  });

  it('starts nothing when every member already runs the digest, or nobody runs the reference', () => {
    const { members, rollouts } = setup({ a: 0, b: 1 });
    commit(members, 'a', NEW);
    commit(members, 'b', NEW);
    expect(rollouts.observe(REF, NEW, members.values(), 0)).toEqual([]);
    expect(rollouts.observe('registry.example/other:1', NEW, members.values(), 0)).toEqual([]);
  });

  it('a newer digest supersedes a rollout still rolling; a member joining late at a reached wave is instructed', () => {
    const { members, rollouts } = setup({ canary: 0, b: 1 });
    rollouts.observe(REF, NEW, members.values(), 0);
    const first = rollouts.latest(REF)!;
    rollouts.observe(REF, NEWER, members.values(), 1000);
    expect(first.state).toBe('superseded');
    expect(targetsOf(rollouts, members)).toEqual({ canary: [NEWER], b: [] });
    members.set('late', {
      name: 'late',
      wave: 0,
      version: '1',
      online: true,
      lastSeen: 0,
      containers: [{ name: 'x', ref: REF, digest: null }],
    });
    expect(rollouts.targetsFor(members.get('late')!).map((t) => t.digest)).toEqual([NEWER]);
  });
});
