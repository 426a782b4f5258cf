import type { Notice } from './compose.js';
import { templateFields } from './facts.js';
import { severity, type ContainerFacts, type Level } from './types.js';

/**
 * One run's report (--notification-report), like Watchtower's session report: what was updated,
 * rolled back, failed, skipped, found, and what waits for approval. undefined when nothing of that
 * happened: a run where every container was current sends nothing.
 */
export function buildReport(
  notices: readonly Notice[],
  unchecked: readonly ContainerFacts[],
  checked: number,
  now: number,
): Notice | undefined {
  if (notices.length === 0) return undefined;
  const of = (kind: Notice['kind']): Array<Record<string, unknown>> =>
    notices
      .filter((notice) => notice.kind === kind)
      .flatMap((notice) => notice.containers.map(templateFields));
  const level = notices
    .map((notice) => notice.level)
    .reduce<Level>((worst, next) => (severity(next) > severity(worst) ? next : worst), 'info');
  const rolledBack = of('rolled-back');
  const failed = of('failed');
  return {
    kind: 'report',
    level,
    time: now,
    containers: notices.flatMap((notice) => notice.containers),
    data: {
      checked,
      updated: of('updated'),
      rolledBack,
      failed,
      skipped: of('skipped'),
      available: of('update-available'),
      approvals: of('approval-needed'),
      unchecked: unchecked.map(templateFields),
      updatedCount: of('updated').length,
      failedCount: rolledBack.length + failed.length,
    },
  };
}
