import type { Database } from 'better-sqlite3';
import { TidewatchError } from '../domain/index.js';
import type { Clock } from './clock.js';
import { tailLogs } from './logs.js';
import { updateById, updateNotFound } from './update-query.js';
import { actorFor } from './actor.js';
import { toUpdateRecord } from './update-row.js';
import { canTransition, isFinished } from './update-transitions.js';
import {
  PlanInput,
  UpdatePatch,
  type FinishInput,
  type ProgressState,
  type UpdateOutcome,
  type UpdateRecord,
  type UpdateState,
} from './update-types.js';
import { validate } from './validate.js';

/**
 * The write-ahead journal of updates. Every call commits before it returns, so the updater records
 * a step first and then acts: after a crash the journal never claims less than was done.
 */
export interface Journal {
  /** Records a new update in `planned`; returns its id. */
  plan(input: PlanInput): number;
  /** Moves an update one step forward (see update-transitions), recording what the step learned. */
  advance(id: number, state: ProgressState, patch?: UpdatePatch): UpdateRecord;
  /** Ends an update. `logs` keeps only the last lines. */
  finish(id: number, outcome: UpdateOutcome, details?: FinishInput): UpdateRecord;
  /** Updates that never finished, oldest first: what crash recovery has to look at on start. */
  unfinished(): UpdateRecord[];
  /** One update by id, finished or not. */
  get(id: number): UpdateRecord | undefined;
  /**
   * Records, already finished, a repair the reconciler made outside any update (a copy Tidewatch
   * left behind, put back or removed): trigger `repair`.
   */
  repaired(input: PlanInput, outcome: UpdateOutcome, reason: string): UpdateRecord;
}

type Values = Record<string, string | null>;

const PLAN_FIELDS = ['fromDigest', 'toDigest', 'fromImageId', 'toImageId', 'fromTag', 'toTag', 'parkedName'];
const STEP_FIELDS = ['newContainerId', 'toDigest', 'toImageId', 'toTag', 'parkedName', 'reason', 'logs'];

/** Every named parameter bound: null where the caller gave nothing (better-sqlite3 rejects missing ones). */
function bind(fields: readonly string[], given: Readonly<Record<string, string | null | undefined>>): Values {
  return Object.fromEntries(fields.map((field) => [field, given[field] ?? null]));
}

function illegal(current: UpdateRecord, to: UpdateState, hint = ''): TidewatchError {
  return new TidewatchError(
    'JOURNAL_ILLEGAL_TRANSITION',
    `update ${current.id} of ${current.containerName} is ${current.state} and cannot become ${to}${hint}`,
  );
}

export function createJournal(db: Database, clock: Clock): Journal {
  const get = updateById(db);
  const insert = db.prepare(`INSERT INTO updates (container_name, container_id, image, "trigger", actor,
      strategy, from_digest, to_digest, from_image_id, to_image_id, from_tag, to_tag, parked_name, was_running,
      state, started_at, updated_at)
    VALUES (@containerName, @containerId, @image, @trigger, @actor, @strategy, @fromDigest, @toDigest,
      @fromImageId, @toImageId, @fromTag, @toTag, @parkedName, @wasRunning, 'planned', @now, @now)`);
  // COALESCE: a step only adds what it learned; it never erases what an earlier step recorded.
  const step = db.prepare(`UPDATE updates SET state = @state, updated_at = @now, finished_at = @finishedAt,
      new_container_id = COALESCE(@newContainerId, new_container_id), to_digest = COALESCE(@toDigest, to_digest),
      to_image_id = COALESCE(@toImageId, to_image_id), to_tag = COALESCE(@toTag, to_tag),
      parked_name = COALESCE(@parkedName, parked_name), reason = COALESCE(@reason, reason),
      logs = COALESCE(@logs, logs)
    WHERE id = @id AND state = @from`);
  const open = db.prepare('SELECT * FROM update_records WHERE finished_at IS NULL ORDER BY id');

  const current = (id: number): UpdateRecord => {
    const found = get(id);
    if (found === undefined) throw updateNotFound(id);
    return found;
  };

  // Read, check and write in one IMMEDIATE transaction: the check holds for the row it writes.
  const move = db.transaction((id: number, to: UpdateState, values: Values): UpdateRecord => {
    const before = current(id);
    if (!canTransition(before.state, to, before.strategy)) throw illegal(before, to);
    const now = clock();
    const finishedAt = isFinished(to) ? now : null;
    step.run({ ...bind(STEP_FIELDS, values), id, from: before.state, state: to, now, finishedAt });
    return current(id);
  });

  /** Validates a plan and inserts its row in `planned`; returns its id. */
  const insertPlanned = (input: PlanInput, what: string, now: number): number => {
    const valid = validate(PlanInput, input, 'JOURNAL_BAD_INPUT', what);
    const {
      containerName,
      containerId,
      image,
      trigger,
      actor,
      strategy,
      wasRunning: running,
      ...texts
    } = valid;
    const wasRunning = running === undefined ? null : Number(running);
    const row = {
      ...bind(PLAN_FIELDS, texts),
      containerName,
      containerId,
      image,
      trigger,
      actor: actor ?? actorFor(trigger),
      strategy,
      wasRunning,
    };
    return Number(insert.run({ ...row, now }).lastInsertRowid);
  };

  return {
    plan: (input) => insertPlanned(input, 'update plan', clock()),
    advance: (id, state, patch = {}) => {
      if (isFinished(state)) throw illegal(current(id), state, ': outcomes are recorded by finish()');
      return move.immediate(
        id,
        state,
        bind(STEP_FIELDS, validate(UpdatePatch, patch, 'JOURNAL_BAD_INPUT', 'update patch')),
      );
    },
    finish: (id, outcome, details = {}) => {
      if (!isFinished(outcome)) throw illegal(current(id), outcome, ': finish() records outcomes only');
      const logs = details.logs === undefined ? null : tailLogs(details.logs);
      return move.immediate(id, outcome, { reason: details.reason ?? null, logs });
    },
    unfinished: () => open.all().map(toUpdateRecord),
    get,
    repaired: db.transaction((input: PlanInput, outcome: UpdateOutcome, reason: string): UpdateRecord => {
      const now = clock();
      const id = insertPlanned({ ...input, trigger: 'repair' }, 'repair record', now);
      // Not a walk through the steps: the repair is one act, recorded as it ended.
      step.run({
        ...bind(STEP_FIELDS, { reason }),
        id,
        from: 'planned',
        state: outcome,
        now,
        finishedAt: now,
      });
      return current(id);
    }),
  };
}
