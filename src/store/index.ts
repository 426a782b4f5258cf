/**
 * The store: Tidewatch's state in one SQLite file, written by one process. The journal records
 * each step of an update before the updater takes it; the same rows are the history.
 */
export { openStore, storeFile, STORE_FILE, type Store, type StoreOptions } from './open.js';
export { resolveDataDir, isInContainer, type DataDirInput } from './data-dir.js';
export { openStoreReadOnly, forgetBadDigests, type StoreReader } from './read-only.js';
export { LOCK_FILE, waitForDataDirLock, lockTakenAt, type DataDirLock } from './lock.js';
export { SCHEMA_VERSION } from './migrate.js';
export type { Clock } from './clock.js';
export type { Journal } from './journal.js';
export { actorFor } from './actor.js';
export { journalOf } from './journal-actor.js';
export {
  MemberRole,
  PlanMember,
  type PlanOutcome,
  type PlanPhase,
  type PlanRecord,
  type PlanStep,
  type Plans,
} from './plans.js';
export { HISTORY_MAX_LIMIT, type History, type HistoryPage, type HistoryQuery } from './history.js';
export type { BadDigest, BadDigests } from './bad-digests.js';
export type { SeenDigests } from './seen-digests.js';
export {
  ApprovalQuery,
  ApprovalRequest,
  type Approvals,
  type ApprovalRecord,
  type ApprovalVoteRecord,
  type VoteResult,
} from './approvals.js';
export { openPolicyReader, voteOnApproval, type PolicyReader } from './approvals-access.js';
export type { Outbox, OutboxInput, OutboxRow, OutboxStats } from './outbox.js';
export type { Announced, AnnouncementKind } from './announced.js';
export {
  withFleetTokens,
  type FleetTokens,
  type FleetTokenRecord,
  type FleetBadDigest,
  type FleetBadDigests,
} from './fleet.js';
export { withBundles, type Bundles, type BundleRecord } from './bundles.js';
export { API_ROLES, ApiRole, withApiTokens, type ApiTokenRecord, type ApiTokens } from './api-tokens.js';
export { LOG_LINES } from './logs.js';
export { canTransition, isFinished } from './update-transitions.js';
export {
  UPDATE_STATES,
  UPDATE_OUTCOMES,
  type UpdateState,
  type UpdateOutcome,
  type ProgressState,
  type UpdateStrategy,
  type UpdateTrigger,
  type UpdateRecord,
  type PlanInput,
  type UpdatePatch,
  type FinishInput,
} from './update-types.js';
