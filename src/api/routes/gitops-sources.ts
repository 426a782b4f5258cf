import { redactUrl } from '../../domain/redact.js';
import { GITOPS_PREFIX, gitopsOf, type ApplyResult } from '../../gitops/index.js';
import { HISTORY_MAX_LIMIT, type UpdateRecord } from '../../store/index.js';
import type { ApiDaemon } from '../context.js';
import type { ApplySummary, GitopsApply, GitopsSourceItem } from '../view-types.js';

/** How many of a source's recorded applies the API shows. */
const HISTORY_SHOWN = 10;

function summary(at: number, result: ApplyResult): ApplySummary {
  switch (result.kind) {
    case 'unchanged':
      return { at, kind: result.kind, commit: result.commit, reason: null, projects: result.corrected ?? [] };
    case 'applied':
      return { at, kind: result.kind, commit: result.commit.id, reason: null, projects: result.projects };
    case 'failed':
      return {
        at,
        kind: result.kind,
        commit: result.commit?.id ?? null,
        reason: result.reason,
        projects: result.projects,
      };
  }
}

/** One recorded apply or drift correction of a project, as the dashboard lists it. */
function applyRow(record: UpdateRecord): GitopsApply {
  return {
    id: record.id,
    project: record.containerName.slice(GITOPS_PREFIX.length),
    state: record.state,
    fromCommit: record.fromTag,
    toCommit: record.toTag,
    reason: record.reason,
    startedAt: record.startedAt,
    finishedAt: record.finishedAt,
  };
}

/**
 * Every GitOps source of the settings, its URL without credentials, what its last apply came to
 * (while this daemon ran), and its projects' recent applies and drift corrections from the history
 * (each row's image is the source's `<url>#<branch>:<folder>`, see src/gitops/history.ts).
 */
export function gitopsSources(deps: ApiDaemon['deps']): GitopsSourceItem[] {
  const service = gitopsOf(deps.events);
  const recent = deps.store.history
    .list({ limit: HISTORY_MAX_LIMIT })
    .items.filter((record) => record.containerName.startsWith(GITOPS_PREFIX));
  return deps.settings.gitopsSources.map((source) => {
    const url = redactUrl(source.url);
    const origin = `${url}#${source.branch}:`;
    const status = service?.status(source.name);
    return {
      name: source.name,
      url,
      branch: source.branch,
      path: source.path,
      intervalMs: source.intervalMs,
      applying: status?.applying ?? false,
      lastApply: status?.last === undefined ? null : summary(status.last.at, status.last.result),
      history: recent
        .filter((record) => record.image.startsWith(origin))
        .slice(0, HISTORY_SHOWN)
        .map(applyRow),
    };
  });
}
