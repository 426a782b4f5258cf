/**
 * The stages of a cycle every subject kind shares (containers in src/updater, services in
 * src/swarm): a subject's policy from its labels and the settings, the tag a tag policy moves it
 * to, the schedule rule, and the gates (cooldown, approval, window) an available update passes.
 */
export type { GateCandidate } from './candidate.js';
export { effectivePolicy, type EffectivePolicy, type PolicySettings } from './effective-policy.js';
export { evaluateGates, type GateContext, type GateVerdict } from './gates.js';
export { holdBack, type HeldBack, type HoldBackContext, type HoldBackDeps } from './hold-back.js';
export { leftToOwnSchedule, type RunScope, type ScheduleGate } from './own-schedule.js';
export { readingPolicyState, recordingPolicyState, type PolicyState } from './policy-state.js';
export { isoTime, type PolicyWait } from './policy-waits.js';
export { resolveNewerTag, type TargetResolution } from './resolve-target.js';
export { SIGNATURE_REFUSED } from './signature-check.js';
