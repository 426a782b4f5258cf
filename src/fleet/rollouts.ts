import type { FleetContainer, FleetOutcome, FleetTarget } from './protocol.js';

/** A member as the controller knows it: from its connection and its last report. */
export interface FleetMember {
  readonly name: string;
  wave: number;
  version: string;
  online: boolean;
  /** Epoch ms of its last request or stream message. */
  lastSeen: number;
  containers: readonly FleetContainer[];
}

export type RolloutState = 'rolling' | 'done' | 'halted' | 'superseded';

/** Where one member is in one rollout (see Rollouts.progress). */
export type MemberProgress = 'waiting' | 'instructed' | 'offline' | 'committed' | 'skipped' | 'rolled-back';

export interface RolloutFailure {
  readonly member: string;
  readonly container: string;
  readonly reason: string;
}

/** One digest of one reference on its way through the fleet's waves. */
export interface Rollout {
  readonly id: number;
  readonly ref: string;
  readonly digest: string;
  readonly createdAt: number;
  state: RolloutState;
  /** The wave it is in (every member of this wave or a lower one is instructed); null once done. */
  wave: number | null;
  waveStartedAt: number;
  /** Waves passed, in order. */
  readonly passed: number[];
  /** When each member was first seen running the digest. */
  readonly committedAt: Map<string, number>;
  /** Members that had not committed when their wave's timeout ran out. */
  readonly skipped: Set<string>;
  failure: RolloutFailure | null;
  finishedAt: number | null;
}

export type RolloutEvent =
  | { readonly kind: 'started'; readonly rollout: Rollout }
  | { readonly kind: 'wave-passed'; readonly rollout: Rollout; readonly wave: number }
  | { readonly kind: 'done'; readonly rollout: Rollout }
  | { readonly kind: 'skipped'; readonly rollout: Rollout; readonly member: string }
  | {
      readonly kind: 'halted';
      readonly rollout: Rollout;
      readonly failure: RolloutFailure;
      /** The last log lines of the failed container, as the member sent them. */
      readonly logs: string | null;
    };

export interface RolloutSettings {
  /** How long a wave's last commit must stand before the next wave (--wave-soak). */
  readonly soakMs: number;
  /** How long a wave waits for a member that has not committed (--wave-timeout). */
  readonly timeoutMs: number;
}

/** Finished rollouts kept for `fleet rollouts` and the dashboard, besides each reference's latest. */
const KEPT_FINISHED = 200;

const runs = (member: FleetMember, ref: string): boolean => member.containers.some((c) => c.ref === ref);

/** Every container of `member` on `ref` runs `digest`. */
const isOn = (member: FleetMember, ref: string, digest: string): boolean => {
  const on = member.containers.filter((c) => c.ref === ref);
  return on.length > 0 && on.every((c) => c.digest === digest);
};

/**
 * The controller's rollouts, as pure state: a registry check starts one (observe), members'
 * reports move it (advance) or halt it (outcomes), and each member's targets are read from it.
 * Decisions (docs/fleet.md):
 * - a member takes part in a rollout when it runs a container on its reference; a member that
 *   comes later, or comes back, joins at once if its wave was reached;
 * - a wave passes when each of its members committed or was skipped (not committed within
 *   --wave-timeout of the wave's start, online or not) and its last commit is --wave-soak old; a
 *   wave in which nobody committed passes only if an earlier wave committed, so a digest no canary
 *   ran never reaches the others;
 * - a rollback anywhere halts the rollout for the whole fleet; the caller marks the digest bad.
 */
export class Rollouts {
  private readonly rollouts: Rollout[] = [];
  private readonly latestByRef = new Map<string, Rollout>();
  private nextId = 1;

  constructor(
    private readonly settings: RolloutSettings,
    private readonly isBad: (ref: string, digest: string) => boolean,
  ) {}

  list(): readonly Rollout[] {
    return this.rollouts;
  }

  /** The newest rollout of `ref`. */
  latest(ref: string): Rollout | undefined {
    return this.latestByRef.get(ref);
  }

  /** A registry check found `ref` pointing at `digest`: a rollout starts unless nothing needs it. */
  observe(ref: string, digest: string, members: Iterable<FleetMember>, now: number): RolloutEvent[] {
    if (this.isBad(ref, digest)) return [];
    const current = this.latest(ref);
    if (current?.digest === digest) return [];
    const runners = [...members].filter((member) => runs(member, ref));
    if (runners.length === 0 || runners.every((member) => isOn(member, ref, digest))) return [];
    if (current?.state === 'rolling') this.finish(current, 'superseded', now);
    const rollout: Rollout = {
      id: this.nextId++,
      ref,
      digest,
      createdAt: now,
      state: 'rolling',
      wave: Math.min(...runners.map((member) => member.wave)),
      waveStartedAt: now,
      passed: [],
      committedAt: new Map(),
      skipped: new Set(),
      failure: null,
      finishedAt: null,
    };
    this.rollouts.push(rollout);
    this.latestByRef.set(ref, rollout);
    this.prune();
    return [{ kind: 'started', rollout }];
  }

  /** A member's outcomes: a rollback of a digest being rolled out halts its rollout fleet-wide. */
  outcomes(member: string, outcomes: readonly FleetOutcome[], now: number): RolloutEvent[] {
    const events: RolloutEvent[] = [];
    for (const outcome of outcomes) {
      if (outcome.action !== 'rolled-back') continue;
      const rollout = this.latest(outcome.ref);
      if (rollout?.digest !== outcome.digest || rollout.state === 'halted') continue;
      const failure = { member, container: outcome.container, reason: outcome.reason ?? 'rolled back' };
      rollout.failure = failure;
      this.finish(rollout, 'halted', now);
      events.push({ kind: 'halted', rollout, failure, logs: outcome.logs });
    }
    return events;
  }

  /** Moves every rolling rollout on as far as the members' state allows now. */
  advance(members: ReadonlyMap<string, FleetMember>, now: number): RolloutEvent[] {
    const events: RolloutEvent[] = [];
    for (const rollout of this.rollouts) {
      while (rollout.state === 'rolling' && rollout.wave !== null) {
        const passed = this.tryPass(rollout, members, now, events);
        if (!passed) break;
      }
    }
    return events;
  }

  /** The digests `member` should run now: each reference's rollout that reached its wave. */
  targetsFor(member: FleetMember): FleetTarget[] {
    const refs = new Set(member.containers.map((c) => c.ref));
    const targets: FleetTarget[] = [];
    for (const ref of refs) {
      const rollout = this.latest(ref);
      if (!rollout) continue;
      const reached =
        rollout.state === 'done' ||
        (rollout.state === 'rolling' && rollout.wave !== null && member.wave <= rollout.wave);
      if (reached) targets.push({ ref, digest: rollout.digest, rollout: rollout.id });
    }
    return targets;
  }

  /** Where `member` is in `rollout`. */
  progress(rollout: Rollout, member: FleetMember): MemberProgress {
    if (rollout.failure?.member === member.name) return 'rolled-back';
    if (isOn(member, rollout.ref, rollout.digest)) return 'committed';
    if (rollout.skipped.has(member.name)) return 'skipped';
    const reached = rollout.state === 'done' || (rollout.wave !== null && member.wave <= rollout.wave);
    if (!reached || rollout.state === 'halted' || rollout.state === 'superseded') return 'waiting';
    return member.online ? 'instructed' : 'offline';
  }

  /** The members taking part in `rollout`: those running a container on its reference. */
  participants(rollout: Rollout, members: ReadonlyMap<string, FleetMember>): FleetMember[] {
    return [...members.values()].filter((member) => runs(member, rollout.ref));
  }

  private tryPass(
    rollout: Rollout,
    members: ReadonlyMap<string, FleetMember>,
    now: number,
    events: RolloutEvent[],
  ): boolean {
    const wave = rollout.wave ?? 0;
    const runners = this.participants(rollout, members);
    for (const member of runners) {
      if (isOn(member, rollout.ref, rollout.digest) && !rollout.committedAt.has(member.name)) {
        rollout.committedAt.set(member.name, now);
      }
    }
    const inWave = runners.filter((member) => member.wave === wave);
    let lastCommit = -Infinity;
    for (const member of inWave) {
      const committed = isOn(member, rollout.ref, rollout.digest);
      if (committed) {
        lastCommit = Math.max(lastCommit, rollout.committedAt.get(member.name) ?? now);
        continue;
      }
      if (rollout.skipped.has(member.name)) continue;
      if (now - rollout.waveStartedAt < this.settings.timeoutMs) return false;
      rollout.skipped.add(member.name);
      events.push({ kind: 'skipped', rollout, member: member.name });
    }
    // Every member of this wave skipped: it passes only when an earlier wave proved the digest, so a
    // digest no canary ran never reaches the others.
    if (inWave.length > 0 && lastCommit === -Infinity && rollout.committedAt.size === 0) return false;
    if (lastCommit !== -Infinity && now - lastCommit < this.settings.soakMs) return false;
    rollout.passed.push(wave);
    events.push({ kind: 'wave-passed', rollout, wave });
    const later = runners.map((member) => member.wave).filter((w) => w > wave);
    if (later.length === 0) {
      this.finish(rollout, 'done', now);
      events.push({ kind: 'done', rollout });
      return false;
    }
    rollout.wave = Math.min(...later);
    rollout.waveStartedAt = now;
    return true;
  }

  private finish(rollout: Rollout, state: Exclude<RolloutState, 'rolling'>, now: number): void {
    rollout.state = state;
    rollout.finishedAt = now;
    if (state !== 'done') return;
    rollout.wave = null;
  }

  /** Keeps each reference's latest rollout and the newest finished ones. */
  private prune(): void {
    const finished = this.rollouts.filter((r) => r.state !== 'rolling' && this.latest(r.ref) !== r);
    const drop = new Set(finished.slice(0, Math.max(0, finished.length - KEPT_FINISHED)));
    if (drop.size === 0) return;
    const kept = this.rollouts.filter((rollout) => !drop.has(rollout));
    this.rollouts.splice(0, this.rollouts.length, ...kept);
  }
}
