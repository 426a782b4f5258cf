import type { ContainerRow } from './types.js';

/** What an available update waits for, in a few words: each kind says what it has (WaitingFor). */
export function waitingText(row: ContainerRow): string {
  const waiting = row.waitingFor;
  if (!waiting) return '';
  const at = (epochMs: number): string => new Date(epochMs).toLocaleString();
  switch (waiting.kind) {
    case 'cooldown':
      return `cooldown until ${at(waiting.until)}`;
    case 'window':
      return `maintenance window ${waiting.window} (${waiting.timezone}), opens ${at(waiting.until)}`;
    case 'approval': {
      const votes = `${waiting.votes} of ${waiting.required} votes`;
      const deadline = waiting.deadline === null ? '' : `, expires ${at(waiting.deadline)}`;
      return waiting.approvalId === null
        ? `approval (${votes})`
        : `approval ${waiting.approvalId}: ${waiting.state}, ${votes}${deadline}`;
    }
    case 'registry-budget':
      return `registry ${waiting.registry} (${waiting.cause}) until ${at(waiting.until)}`;
  }
}
