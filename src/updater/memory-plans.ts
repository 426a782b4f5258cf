import type { PlanRecord, Plans, PlanStep } from '../store/index.js';

/**
 * Plans kept in memory, for updates run without a store (tests of the updater alone): the plan
 * still drives undo and read-back, it just does not survive the process.
 */
export function memoryPlans(): Plans {
  const records = new Map<number, PlanRecord>();
  const steps = new Map<number, PlanStep[]>();
  let next = 1;
  const update = (id: number, change: Partial<PlanRecord>): PlanRecord => {
    const current = records.get(id);
    if (!current) throw new Error(`no plan ${id}`);
    const changed = { ...current, ...change };
    records.set(id, changed);
    return changed;
  };
  return {
    open: ({ strategy, members }) => {
      const id = next++;
      const record: PlanRecord = {
        id,
        strategy,
        members: [...members],
        phase: 'changing',
        outcome: null,
        reason: null,
        startedAt: Date.now(),
        finishedAt: null,
      };
      records.set(id, record);
      return record;
    },
    step: (planId, member, action) => {
      const list = steps.get(planId) ?? [];
      list.push({ seq: list.length + 1, member, action, at: Date.now() });
      steps.set(planId, list);
    },
    learnNewId: (planId, member, newId) =>
      update(planId, {
        members: (records.get(planId)?.members ?? []).map((entry) =>
          entry.name === member ? { ...entry, newId } : entry,
        ),
      }),
    committing: (planId) => update(planId, { phase: 'committing' }),
    finish: (planId, outcome, reason) =>
      update(planId, { phase: 'done', outcome, reason: reason ?? null, finishedAt: Date.now() }),
    unfinished: () => [...records.values()].filter((record) => record.finishedAt === null),
    get: (planId) => records.get(planId),
    steps: (planId) => steps.get(planId) ?? [],
  };
}
