import type {
  Journal,
  PlanMember,
  PlanOutcome,
  PlanRecord,
  Plans,
  ProgressState,
  UpdateStrategy,
} from '../store/index.js';
import { canTransition } from '../store/index.js';
import type { LogStep } from './plan-repair.js';

/**
 * One plan's journal: the plan's own log and the history rows of its update members, written
 * before each step is taken. `afterJournal` (tests) hears of every write, in order, so a test can
 * kill the process after any one of them.
 */
export interface PlanJournal {
  readonly plan: () => PlanRecord;
  readonly logStep: LogStep;
  learnNewId(member: string, newId: string): void;
  /** Moves every update member's row to `state` (rows already past it stay). */
  advanceRows(state: ProgressState): void;
  committing(): void;
  /** Closes the plan and its rows: each update member's row with its own reason and logs. */
  finish(outcome: PlanOutcome, reason: string | undefined, logs?: ReadonlyMap<string, string>): void;
}

export function openPlanJournal(
  deps: {
    readonly plans: Plans;
    readonly journal?: Journal | undefined;
    readonly afterJournal?: ((step: string) => void) | undefined;
  },
  strategy: UpdateStrategy,
  members: readonly PlanMember[],
): PlanJournal {
  const { plans, journal, afterJournal } = deps;
  let record = plans.open({ strategy, members });
  afterJournal?.('plan-opened');
  const rows = (): Array<{ id: number; member: PlanMember }> =>
    record.members.flatMap((member) => (member.updateId === null ? [] : [{ id: member.updateId, member }]));
  return {
    plan: () => record,
    logStep(member, action) {
      plans.step(record.id, member, action);
      afterJournal?.(`${action} ${member}`);
    },
    learnNewId(member, newId) {
      record = plans.learnNewId(record.id, member, newId);
      afterJournal?.(`learned ${member}`);
    },
    advanceRows(state) {
      if (!journal) return;
      for (const { id, member } of rows()) {
        const row = journal.get(id);
        if (!row || !canTransition(row.state, state, row.strategy)) continue;
        journal.advance(
          id,
          state,
          member.newId !== null && state !== 'old-renamed' ? { newContainerId: member.newId } : {},
        );
      }
      afterJournal?.(state);
    },
    committing() {
      record = plans.committing(record.id);
      afterJournal?.('committing');
    },
    finish(outcome, reason, logs) {
      if (journal) finishRows(journal, rows(), outcome, reason, logs);
      record = plans.finish(record.id, outcome, reason);
      afterJournal?.(outcome);
    },
  };
}

/**
 * Ends the rows of a plan. A row still before any change (`planned`, `pulled`) cannot be rolled
 * back, since nothing was: it failed. A `committed` that its row's strategy does not allow yet
 * (a crash before the last step was recorded) walks the remaining steps first.
 */
export function finishRows(
  journal: Journal,
  rows: ReadonlyArray<{ id: number; member: PlanMember }>,
  outcome: PlanOutcome,
  reason: string | undefined,
  logs?: ReadonlyMap<string, string>,
): void {
  for (const { id, member } of rows) {
    let row = journal.get(id);
    if (!row || row.finishedAt !== null) continue;
    if (outcome === 'committed') {
      for (const state of [
        'old-renamed',
        'new-created',
        'new-started',
        'verifying',
        'old-renamed',
      ] as const) {
        if (canTransition(row.state, 'committed', row.strategy)) break;
        if (canTransition(row.state, state, row.strategy)) row = journal.advance(id, state);
      }
    }
    const final = canTransition(row.state, outcome, row.strategy) ? outcome : 'failed';
    const memberLogs = logs?.get(member.name);
    const why = reason ?? (final === outcome ? undefined : `could not be ${outcome}`);
    journal.finish(id, final, {
      ...(why !== undefined ? { reason: why } : {}),
      ...(memberLogs ? { logs: memberLogs } : {}),
    });
  }
}
