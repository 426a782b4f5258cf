/**
 * Policies, pure: which tag a container may move to, whether a candidate is old enough, whether a
 * maintenance window is open, how approvals are decided. No I/O and no clock of its own: callers
 * pass the time in.
 */
export {
  parseTag,
  compareTags,
  sameShape,
  shapeOf,
  isVersionTag,
  type ParsedTag,
  type TagScheme,
} from './tag.js';
export { compileTagPattern, type TagPattern } from './pattern.js';
export { parsePolicy, formatPolicy, isTagPolicy, type Policy, type PolicyKind } from './policy.js';
export { chooseTag, type TagChoice, type TagFilters } from './choose-tag.js';
export {
  cooldown,
  isMinAgeSource,
  MIN_AGE_SOURCES,
  type CooldownDecision,
  type MinAgeSource,
} from './cooldown.js';
export {
  parseWindow,
  windowState,
  type MaintenanceWindow,
  type WindowRange,
  type WindowState,
} from './window.js';
export { isTimeZone, processTimeZone } from './timezone.js';
export {
  APPROVAL_STATES,
  VOTES,
  decideVote,
  isExpired,
  isValidVoter,
  type ApprovalState,
  type ApprovalStatus,
  type Vote,
  type VoteDecision,
  type VoteRefusal,
} from './approval.js';
export { updateKind, type UpdateKind } from './update-kind.js';
