import { z } from 'zod';

/**
 * The states of one update, in the order the updater reaches them. Each names what has already
 * been done to the engine, so recovery after a crash knows what to undo or finish: e.g.
 * `old-renamed` means the original container now carries `parkedName`.
 */
export const UPDATE_STATES = [
  'planned',
  'pulled',
  'old-renamed',
  'new-created',
  'new-started',
  'verifying',
  'committed',
  'rolled-back',
  'failed',
] as const;
export const UpdateState = z.enum(UPDATE_STATES);
export type UpdateState = z.infer<typeof UpdateState>;

export const UPDATE_OUTCOMES = ['committed', 'rolled-back', 'failed'] as const;
export const UpdateOutcome = z.enum(UPDATE_OUTCOMES);
/** The terminal states: an update in one of them is history, not journal. */
export type UpdateOutcome = z.infer<typeof UpdateOutcome>;

/** The states `advance` may move to; the terminal ones are reached only through `finish`. */
export type ProgressState = Exclude<UpdateState, UpdateOutcome>;

export const UpdateStrategy = z.enum(['stop-first', 'start-first']);
export type UpdateStrategy = z.infer<typeof UpdateStrategy>;

/** What started an update; webhooks say which kind (`webhook:registry`, `webhook:github`, ...). */
export const UpdateTrigger = z.union([
  // gitops: an apply of a GitOps source's commit (src/gitops); fleet: a controller's instruction
  // (src/fleet); bundle: an offline bundle applied (src/bundle); repair: the reconciler's own record
  // of what it found and put right (src/updater/reconcile.ts).
  z.enum(['schedule', 'startup', 'api', 'cli', 'gitops', 'repair', 'fleet', 'bundle']),
  z.templateLiteral(['webhook:', z.string().regex(/^[a-z0-9][a-z0-9._-]*$/)]),
]);
export type UpdateTrigger = z.infer<typeof UpdateTrigger>;

/** One update as the store keeps it: the journal entry while it runs, its history afterwards. */
export interface UpdateRecord {
  readonly id: number;
  readonly containerName: string;
  /** The container before the update. */
  readonly containerId: string;
  readonly newContainerId: string | null;
  /** The image reference the container runs (`repo:tag`). */
  readonly image: string;
  readonly fromDigest: string | null;
  readonly toDigest: string | null;
  readonly fromImageId: string | null;
  readonly toImageId: string | null;
  readonly fromTag: string | null;
  readonly toTag: string | null;
  readonly trigger: UpdateTrigger;
  /**
   * Who made it: a named API token's holder, `cli:<os user>`, `schedule`, `webhook:<kind>`, or the
   * trigger itself when nobody more precise is known; null in rows older than schema 8.
   */
  readonly actor: string | null;
  /** The people whose votes allowed it (tidewatch.approve), in vote order; empty when none were asked. */
  readonly approvedBy: readonly string[];
  readonly strategy: UpdateStrategy;
  readonly state: UpdateState;
  /** The temporary name of the original container while the new one takes its name. */
  readonly parkedName: string | null;
  /** Whether the original was running; null when not recorded (treat as running). */
  readonly wasRunning: boolean | null;
  readonly reason: string | null;
  /** The last lines of the failed container's log. */
  readonly logs: string | null;
  /** Epoch milliseconds, from the store's clock. */
  readonly startedAt: number;
  readonly updatedAt: number;
  readonly finishedAt: number | null;
}

const optionalText = z.string().min(1).nullish();

/** What is known when an update is planned; validated, as it comes from the updater's reading of the engine. */
export const PlanInput = z.strictObject({
  containerName: z.string().min(1),
  containerId: z.string().min(1),
  image: z.string().min(1),
  trigger: UpdateTrigger,
  /** Who made it; default the trigger (the CLI's: `cli:<os user>`), see actorFor. */
  actor: z.string().min(1).max(200).optional(),
  strategy: UpdateStrategy,
  fromDigest: optionalText,
  toDigest: optionalText,
  fromImageId: optionalText,
  toImageId: optionalText,
  fromTag: optionalText,
  toTag: optionalText,
  /** Choose it at plan time: recovery then finds the parked container even if a later write was lost. */
  parkedName: optionalText,
  /** Recovery restores the original as it was: running, or stopped. */
  wasRunning: z.boolean().optional(),
});
export type PlanInput = z.input<typeof PlanInput>;

/** What a step may learn on the way (the pulled image's id, the new container's id, ...). */
export const UpdatePatch = z.strictObject({
  newContainerId: z.string().min(1).optional(),
  toDigest: z.string().min(1).optional(),
  toImageId: z.string().min(1).optional(),
  toTag: z.string().min(1).optional(),
  parkedName: z.string().min(1).optional(),
  reason: z.string().optional(),
});
export type UpdatePatch = z.input<typeof UpdatePatch>;

/** How an update ended. */
export interface FinishInput {
  readonly reason?: string;
  readonly logs?: string;
}
