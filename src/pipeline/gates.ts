import { formatDuration } from '../config/index.js';
import { repositoryName, type ReleaseLinks } from '../domain/index.js';
import type { EventBus } from '../events/index.js';
import { cooldown, isExpired, processTimeZone, windowState } from '../policy/index.js';
import type { RegistrySession } from '../registry/index.js';
import type { ApprovalRecord } from '../store/index.js';
import type { EffectivePolicy } from './effective-policy.js';
import type { GateCandidate } from './candidate.js';
import type { PolicyState } from './policy-state.js';
import { isoTime, type PolicyWait } from './policy-waits.js';

export interface GateContext {
  readonly now: number;
  readonly state: PolicyState;
  readonly registry: RegistrySession;
  readonly signal: AbortSignal;
  readonly events?: EventBus | undefined;
}

/** A candidate's verdict: it waits (with a reason), or goes ahead (under an approval, if one was needed). */
export type GateVerdict =
  | { readonly go: true; readonly approvalId?: number | undefined }
  | { readonly go: false; readonly wait: PolicyWait; readonly reason: string };

/**
 * Decides whether an available update may be applied now, in this order: the cooldown (a digest
 * too new is not a candidate yet, so nobody is asked to approve what may be replaced within the
 * hour), then approval (asked as soon as the candidate is ripe, so people can vote by day and the
 * update still runs in a night window), then the maintenance window.
 */
export async function evaluateGates(
  ctx: GateContext,
  item: GateCandidate,
  policy: EffectivePolicy,
): Promise<GateVerdict> {
  const digest = item.result.latestDigest;
  const ref = item.target ?? item.ref;
  if (digest === undefined || ref === undefined) return { go: true };

  // Every candidate is recorded as seen, min-age or not: a cooldown turned on later counts from here.
  const recorded = ctx.state.firstSeen(repositoryName(ref), digest);
  // `check` records nothing: a digest no update run has seen yet counts as seen now.
  const firstSeen = recorded ?? ctx.now;
  if (policy.minAgeMs > 0) {
    let since = firstSeen;
    if (policy.minAgeFrom === 'created' && item.image !== undefined) {
      const created = await ctx.registry.imageCreated(ref, digest, item.image.platform, ctx.signal);
      // No build time (or none readable): the first sighting is the next best thing.
      if (created.kind === 'created' && created.at !== undefined) since = created.at;
    }
    const decision = cooldown(policy.minAgeMs, since, ctx.now);
    if (!decision.ready) {
      const what =
        policy.minAgeFrom === 'created' && since !== firstSeen
          ? 'built'
          : recorded === undefined
            ? 'not seen by an update run yet, so from'
            : 'first seen';
      return {
        go: false,
        wait: {
          kind: 'cooldown',
          until: decision.until,
          since,
          from: policy.minAgeFrom,
          minAgeMs: policy.minAgeMs,
        },
        reason: `cooldown: ${what} ${isoTime(since)}, old enough (${formatDuration(policy.minAgeMs)}) at ${isoTime(decision.until)}`,
      };
    }
  }

  let approvalId: number | undefined;
  if (policy.approvals > 0) {
    const verdict = approvalGate(ctx, item, policy, digest);
    if (!verdict.go) return verdict;
    approvalId = verdict.approvalId;
  }

  if (policy.window !== undefined) {
    const timezone = policy.timezone ?? processTimeZone();
    const state = windowState(policy.window, timezone, ctx.now);
    if (!state.open) {
      return {
        go: false,
        wait: { kind: 'window', until: state.opensAt, window: policy.window.text, timezone },
        reason: `outside the maintenance window "${policy.window.text}" (${timezone}); it opens ${isoTime(state.opensAt)}`,
      };
    }
  }
  return { go: true, approvalId };
}

function approvalGate(
  ctx: GateContext,
  item: GateCandidate,
  policy: EffectivePolicy,
  digest: string,
): GateVerdict {
  const { result } = item;
  let approval = ctx.state.approval(result.name, digest);
  if (approval === undefined) {
    const requested = ctx.state.requestApproval({
      containerName: result.name,
      image: result.image,
      fromDigest: result.currentDigest,
      fromTag: item.ref?.tag,
      toDigest: digest,
      toTag: (item.target ?? item.ref)?.tag,
      requiredVotes: policy.approvals,
      deadlineAt: policy.approvalDeadlineMs > 0 ? ctx.now + policy.approvalDeadlineMs : undefined,
    });
    if (requested === undefined) {
      const votes = policy.approvals === 1 ? '1 vote' : `${policy.approvals} votes`;
      return {
        go: false,
        wait: {
          kind: 'approval',
          state: 'required',
          approvalId: null,
          votes: 0,
          required: policy.approvals,
          deadline: null,
        },
        reason: `needs approval (${votes}); the next update run asks for it`,
      };
    }
    approval = requested.approval;
    if (requested.created) announce(ctx, approval, result.releaseLinks);
  }
  if (approval.state === 'approved') return { go: true, approvalId: approval.id };
  return refusal(ctx, approval);
}

function refusal(ctx: GateContext, approval: ApprovalRecord): GateVerdict {
  const approvals = approval.votes.filter((vote) => vote.vote === 'approve').length;
  const expired =
    approval.state === 'expired' ||
    isExpired({ ...approval, deadlineAt: approval.deadlineAt ?? undefined }, ctx.now);
  const state = expired ? 'expired' : approval.state === 'rejected' ? 'rejected' : 'pending';
  const wait: PolicyWait = {
    kind: 'approval',
    state,
    approvalId: approval.id,
    votes: approvals,
    required: approval.requiredVotes,
    deadline: approval.deadlineAt,
  };
  const id = `approval ${approval.id}`;
  switch (state) {
    case 'expired':
      return { go: false, wait, reason: `${id} expired without enough votes; a newer image will ask again` };
    case 'rejected': {
      const by = approval.votes.find((vote) => vote.vote === 'reject')?.voter;
      return { go: false, wait, reason: `${id} was rejected${by === undefined ? '' : ` by ${by}`}` };
    }
    case 'pending': {
      const deadline = approval.deadlineAt === null ? '' : `; expires ${isoTime(approval.deadlineAt)}`;
      return {
        go: false,
        wait,
        reason: `waiting for ${id}: ${approvals} of ${approval.requiredVotes} votes${deadline} (tidewatch approve ${approval.id})`,
      };
    }
  }
}

// The links go with the event: it is emitted before the run's container-checked events.
function announce(ctx: GateContext, approval: ApprovalRecord, releaseLinks: ReleaseLinks | undefined): void {
  ctx.events?.emit({
    type: 'approval-needed',
    approvalId: approval.id,
    container: approval.containerName,
    image: approval.image,
    fromTag: approval.fromTag ?? undefined,
    toTag: approval.toTag ?? undefined,
    toDigest: approval.toDigest,
    deadlineAt: approval.deadlineAt ?? undefined,
    releaseLinks,
  });
}
