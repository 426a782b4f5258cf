import type { Database } from 'better-sqlite3';
import { z } from 'zod';
import { TidewatchError } from '../domain/index.js';
import type { Clock } from './clock.js';
import { UpdateStrategy } from './update-types.js';
import { validate } from './validate.js';

/**
 * What happens to one container of a group plan:
 * - update: recreated on its own new image, and verified;
 * - recreate: recreated on the exact image it ran, to follow a replaced provider (it shares its
 *   network namespace, or links to it);
 * - restart: stopped before its provider stops and started after (depends-on).
 */
export const MemberRole = z.enum(['update', 'recreate', 'restart']);
export type MemberRole = z.infer<typeof MemberRole>;

const Endpoint = z.record(z.string(), z.unknown());

/**
 * One container of a plan, as fixed before the first change: everything recovery needs to find
 * it again (original id, parked and temporary names) and to know what "done" means for it.
 */
export const PlanMember = z.strictObject({
  name: z.string().min(1),
  originalId: z.string().min(1),
  originalImageId: z.string().min(1),
  role: MemberRole,
  /** It ran when the plan began; recovery starts it again (or leaves it stopped). */
  wasRunning: z.boolean(),
  /** It runs at the end of a commit (it ran, or --revive-stopped). */
  start: z.boolean(),
  /** The image it runs after a commit: the new image (update) or the one it ran. */
  targetImageId: z.string().min(1),
  /** Where the original waits while its successor takes the name (update and recreate). */
  parkedName: z.string().min(1).nullable(),
  /** start-first: the successor's name until the handover. */
  tempName: z.string().min(1).nullable(),
  /** The successor, once created (null until then, and for restart members). */
  newId: z.string().min(1).nullable(),
  /** The history row of an update member. */
  updateId: z.number().int().positive().nullable(),
  /** The member whose network namespace it shares (`container:<provider>`), if any. */
  namespaceOf: z.string().min(1).nullable(),
  /** Members it has legacy links to. */
  linksTo: z.array(z.string().min(1)),
  /** start-first: the networks the successor joins at the handover, aliases included. */
  joins: z.array(z.strictObject({ name: z.string().min(1), endpoint: Endpoint, rejoin: z.boolean() })),
});
export type PlanMember = z.infer<typeof PlanMember>;

/** changing: any interruption is undone; committing: verified and read back, so it is finished. */
export const PlanPhase = z.enum(['changing', 'committing', 'done']);
export type PlanPhase = z.infer<typeof PlanPhase>;

export const PlanOutcome = z.enum(['committed', 'rolled-back', 'failed']);
export type PlanOutcome = z.infer<typeof PlanOutcome>;

export interface PlanRecord {
  readonly id: number;
  readonly strategy: UpdateStrategy;
  /** In start order: every provider before the members that depend on it. */
  readonly members: readonly PlanMember[];
  readonly phase: PlanPhase;
  readonly outcome: PlanOutcome | null;
  readonly reason: string | null;
  readonly startedAt: number;
  readonly finishedAt: number | null;
}

export interface PlanStep {
  readonly seq: number;
  readonly member: string;
  readonly action: string;
  readonly at: number;
}

/**
 * The write-ahead log of group plans. Every call commits before it returns: a step is logged,
 * then taken, so after a crash the log never claims less than was done.
 */
export interface Plans {
  /** Records a plan and ties the members' update rows to it. */
  open(input: { strategy: UpdateStrategy; members: readonly PlanMember[] }): PlanRecord;
  /** Logs a step about to be taken on one member (`rename`, `create`, `stop`, ...). */
  step(planId: number, member: string, action: string): void;
  /** Records the successor a create returned. */
  learnNewId(planId: number, member: string, newId: string): PlanRecord;
  /** The point of no return: every member verified and read back; recovery now finishes the plan. */
  committing(planId: number): PlanRecord;
  finish(planId: number, outcome: PlanOutcome, reason?: string): PlanRecord;
  /** Plans not finished, oldest first: what the reconciler looks at. */
  unfinished(): PlanRecord[];
  get(planId: number): PlanRecord | undefined;
  steps(planId: number): PlanStep[];
}

const PlanRow = z.object({
  id: z.number().int().positive(),
  strategy: UpdateStrategy,
  members: z.string(),
  phase: PlanPhase,
  outcome: PlanOutcome.nullable(),
  reason: z.string().nullable(),
  started_at: z.number().int(),
  updated_at: z.number().int(),
  finished_at: z.number().int().nullable(),
});

function toPlanRecord(row: unknown): PlanRecord {
  const parsed = validate(PlanRow, row, 'STORE_BAD_ROW', 'plan row');
  let members: unknown;
  try {
    members = JSON.parse(parsed.members);
  } catch (error) {
    throw new TidewatchError('STORE_BAD_ROW', `plan ${parsed.id}: its members are not JSON`, {
      cause: error,
    });
  }
  return {
    id: parsed.id,
    strategy: parsed.strategy,
    members: validate(z.array(PlanMember), members, 'STORE_BAD_ROW', `plan ${parsed.id} members`),
    phase: parsed.phase,
    outcome: parsed.outcome,
    reason: parsed.reason,
    startedAt: parsed.started_at,
    finishedAt: parsed.finished_at,
  };
}

export function createPlans(db: Database, clock: Clock): Plans {
  const insert = db.prepare(
    `INSERT INTO plans (strategy, members, phase, started_at, updated_at) VALUES (?, ?, 'changing', ?, ?)`,
  );
  const tie = db.prepare('UPDATE updates SET plan_id = ? WHERE id = ?');
  const select = db.prepare('SELECT * FROM plans WHERE id = ?');
  const setMembers = db.prepare('UPDATE plans SET members = ?, updated_at = ? WHERE id = ?');
  const setPhase = db.prepare(
    'UPDATE plans SET phase = ?, updated_at = ? WHERE id = ? AND finished_at IS NULL',
  );
  const close = db.prepare(
    `UPDATE plans SET phase = 'done', outcome = ?, reason = ?, updated_at = ?, finished_at = ? WHERE id = ?`,
  );
  const open = db.prepare('SELECT * FROM plans WHERE finished_at IS NULL ORDER BY id');
  const nextSeq = db.prepare('SELECT COALESCE(MAX(seq), 0) + 1 AS seq FROM plan_steps WHERE plan_id = ?');
  const addStep = db.prepare(
    'INSERT INTO plan_steps (plan_id, seq, member, action, at) VALUES (?, ?, ?, ?, ?)',
  );
  const listSteps = db.prepare(
    'SELECT seq, member, action, at FROM plan_steps WHERE plan_id = ? ORDER BY seq',
  );

  const get = (id: number): PlanRecord | undefined => {
    const row = select.get(id);
    return row === undefined ? undefined : toPlanRecord(row);
  };
  const current = (id: number): PlanRecord => {
    const found = get(id);
    if (found === undefined)
      throw new TidewatchError('JOURNAL_NOT_FOUND', `no plan with id ${id} in the store`);
    return found;
  };

  return {
    open: db.transaction((input: { strategy: UpdateStrategy; members: readonly PlanMember[] }) => {
      const members = validate(
        z.array(PlanMember).min(1),
        input.members,
        'JOURNAL_BAD_INPUT',
        'plan members',
      );
      const now = clock();
      const id = Number(insert.run(input.strategy, JSON.stringify(members), now, now).lastInsertRowid);
      for (const member of members) if (member.updateId !== null) tie.run(id, member.updateId);
      return current(id);
    }),
    step: db.transaction((planId: number, member: string, action: string) => {
      const { seq } = nextSeq.get(planId) as { seq: number };
      addStep.run(planId, seq, member, action, clock());
    }),
    learnNewId: db.transaction((planId: number, member: string, newId: string) => {
      const plan = current(planId);
      const members = plan.members.map((entry) => (entry.name === member ? { ...entry, newId } : entry));
      setMembers.run(JSON.stringify(members), clock(), planId);
      return current(planId);
    }),
    committing: (planId) => {
      setPhase.run('committing', clock(), planId);
      return current(planId);
    },
    finish: (planId, outcome, reason) => {
      const now = clock();
      close.run(outcome, reason ?? null, now, now, planId);
      return current(planId);
    },
    unfinished: () => open.all().map(toPlanRecord),
    get,
    steps: (planId) => listSteps.all(planId) as PlanStep[],
  };
}
