import type { PromotionRecord } from './promotions.js';
import type { FleetContainer } from './protocol.js';
import type {
  FleetMember,
  MemberProgress,
  Rollout,
  RolloutFailure,
  RolloutState,
  Rollouts,
} from './rollouts.js';

/** The fleet as `fleet status`, `fleet rollouts`, GET /api/v1/fleet and the dashboard show it. */
export interface FleetView {
  readonly members: readonly MemberView[];
  readonly rollouts: readonly RolloutView[];
}

export interface MemberView {
  readonly name: string;
  readonly wave: number;
  readonly version: string;
  readonly online: boolean;
  /** Epoch ms of its last request, or when its stream closed. */
  readonly lastSeen: number;
  readonly containers: readonly FleetContainer[];
}

export interface RolloutView {
  readonly id: number;
  readonly ref: string;
  readonly digest: string;
  readonly state: RolloutState;
  /** The wave it is in; null once done. */
  readonly wave: number | null;
  readonly passedWaves: readonly number[];
  readonly createdAt: number;
  readonly finishedAt: number | null;
  readonly failure: RolloutFailure | null;
  readonly members: readonly {
    readonly name: string;
    readonly wave: number;
    readonly progress: MemberProgress;
    readonly committedAt: number | null;
  }[];
  readonly promotions: readonly PromotionRecord[];
}

export function fleetView(
  members: readonly FleetMember[],
  rollouts: Rollouts,
  promotionsOf: (rollout: number) => readonly PromotionRecord[],
): FleetView {
  const byName = new Map(members.map((member) => [member.name, member]));
  return {
    members: members.map((member) => ({
      name: member.name,
      wave: member.wave,
      version: member.version,
      online: member.online,
      lastSeen: member.lastSeen,
      containers: member.containers,
    })),
    rollouts: rollouts
      .list()
      .map((rollout) => rolloutView(rollouts, rollout, byName, promotionsOf(rollout.id))),
  };
}

function rolloutView(
  rollouts: Rollouts,
  rollout: Rollout,
  members: ReadonlyMap<string, FleetMember>,
  promotions: readonly PromotionRecord[],
): RolloutView {
  return {
    id: rollout.id,
    ref: rollout.ref,
    digest: rollout.digest,
    state: rollout.state,
    wave: rollout.wave,
    passedWaves: [...rollout.passed],
    createdAt: rollout.createdAt,
    finishedAt: rollout.finishedAt,
    failure: rollout.failure,
    members: rollouts.participants(rollout, members).map((member) => ({
      name: member.name,
      wave: member.wave,
      progress: rollouts.progress(rollout, member),
      committedAt: rollout.committedAt.get(member.name) ?? null,
    })),
    promotions: promotions.map((record) => ({ ...record })),
  };
}
