import { z } from 'zod';

/**
 * What members and the controller say to each other (docs/fleet.md). Members dial out: they post
 * reports, and read instructions from one long-lived Server-Sent Events stream. Every message is
 * checked with these schemas on arrival, on both sides.
 */

/** How a fleet names an image: `registry/repository:tag`, as describeRef writes it. */
export const FleetRef = z.string().min(1).max(512);
export const FleetDigest = z.string().regex(/^sha256:[a-f0-9]{64}$/, 'not a sha256 digest');
export const MemberName = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/,
    'a member name is 1-63 letters, digits, dots, dashes, underscores',
  );

/** A container of a member, as its last check saw it. */
export const FleetContainer = z.strictObject({
  name: z.string().min(1).max(256),
  ref: FleetRef,
  /** The digest it runs (its image's digest in the ref's repository); null when unknown. */
  digest: FleetDigest.nullable(),
});
export type FleetContainer = z.infer<typeof FleetContainer>;

/** What a member did about an instruction: an update committed, or undone. */
export const FleetOutcome = z.strictObject({
  container: z.string().min(1).max(256),
  ref: FleetRef,
  digest: FleetDigest,
  action: z.enum(['updated', 'rolled-back', 'failed']),
  reason: z.string().max(2000).nullable(),
  /** The last lines of the failed container's log, for the controller's notification. */
  logs: z.string().max(20_000).nullable(),
});
export type FleetOutcome = z.infer<typeof FleetOutcome>;

/** POST /api/fleet/report: the member's state after a run (or on connecting). */
export const MemberReport = z.strictObject({
  version: z.string().max(64),
  wave: z.number().int().min(0).max(1000),
  containers: z.array(FleetContainer).max(10_000),
  outcomes: z.array(FleetOutcome).max(10_000),
});
export type MemberReport = z.infer<typeof MemberReport>;

/** One image a member should run: the digest the rollout of `ref` has reached it with. */
export const FleetTarget = z.strictObject({
  ref: FleetRef,
  digest: FleetDigest,
  rollout: z.number().int().positive(),
});
export type FleetTarget = z.infer<typeof FleetTarget>;

/**
 * The `targets` instruction: every digest this member should run now, all at once, so that a
 * member that reconnects (or restarts) needs nothing but the last one to converge.
 */
export const TargetsMessage = z.strictObject({ targets: z.array(FleetTarget).max(10_000) });
export type TargetsMessage = z.infer<typeof TargetsMessage>;

/** The member's name and token travel as headers on every request. */
export const MEMBER_HEADER = 'x-tidewatch-member';
export const STREAM_PATH = '/api/v1/fleet/stream';
export const REPORT_PATH = '/api/v1/fleet/report';
