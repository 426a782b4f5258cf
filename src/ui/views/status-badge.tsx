import type { JSX } from 'preact';
import { statusText } from '../format.js';
import type { ContainerRow } from '../types.js';

export function StatusBadge({ row }: { row: ContainerRow }): JSX.Element {
  const inFlight = row.lastUpdate && row.lastUpdate.finishedAt === null && !isOutcome(row.lastUpdate.state);
  if (inFlight && row.lastUpdate) {
    return <span class="status updating">updating: {row.lastUpdate.state}</span>;
  }
  const kind = row.status === 'update-available' && row.updateKind ? ` (${row.updateKind})` : '';
  return (
    <span class={`status ${row.status}`}>
      {statusText(row.status)}
      {kind}
    </span>
  );
}

export function OutcomeBadge({ state }: { state: string | undefined }): JSX.Element | null {
  if (!state) return null;
  return <span class={`outcome ${state}`}>{state}</span>;
}

export function isOutcome(state: string): boolean {
  return state === 'committed' || state === 'rolled-back' || state === 'failed';
}
