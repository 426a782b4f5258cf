/**
 * Fleets (docs/fleet.md): a controller that checks each reference once for many hosts and rolls
 * new digests out in waves, and the member side that dials it. Safety stays local: members update,
 * verify and roll back with their own journal.
 */
export { FleetController, type ControllerDeps, type MemberStream } from './controller.js';
export type { FleetView, MemberView, RolloutView } from './view.js';
export { FleetTargets } from './member-session.js';
export {
  MEMBER_HEADER,
  MemberName,
  MemberReport,
  REPORT_PATH,
  STREAM_PATH,
  TargetsMessage,
  type FleetContainer,
  type FleetOutcome,
  type FleetTarget,
} from './protocol.js';
export {
  Rollouts,
  type FleetMember,
  type Rollout,
  type RolloutEvent,
  type MemberProgress,
} from './rollouts.js';
export { ControllerLink, type LinkSettings } from './controller-link.js';
export { startFleetMember, type MemberDeps } from './member.js';
