import type { JSX } from 'preact';
import { dateTime, timeAgo } from '../format.js';
import type { Shared } from '../shared.js';
import { useLoad } from '../use-load.js';
import { viewsApi, type GitopsSource } from '../views-api.js';
import { LoadNotices, Notice } from './notice.js';

const short = (commit: string | null): string => (commit ? commit.slice(0, 12) : '—');

/** `applied`, `unchanged` and `failed` in the outcome colours of the history. */
const KIND_CLASS = { applied: 'committed', unchanged: 'unchanged', failed: 'failed' } as const;

function SourceCard({ source }: { source: GitopsSource }): JSX.Element {
  const last = source.lastApply;
  return (
    <li class="card" data-source={source.name}>
      <h2>{source.name}</h2>
      <dl class="facts compact">
        <dt>Repository</dt>
        <dd class="mono">{source.url}</dd>
        <dt>Branch</dt>
        <dd class="mono">
          {source.branch}:{source.path}
        </dd>
        <dt>Interval</dt>
        <dd>{Math.round(source.intervalMs / 1000)}s</dd>
        <dt>Last apply</dt>
        <dd class="last-apply">
          {source.applying ? <span class="status updating">applying now</span> : null}
          {last ? (
            <>
              <span class={`outcome ${KIND_CLASS[last.kind]}`}>{last.kind}</span>{' '}
              <span class="mono">{short(last.commit)}</span>{' '}
              <span class="sub" title={dateTime(last.at)}>
                {timeAgo(last.at)}
              </span>
              {last.reason ? <div class="reason">{last.reason}</div> : null}
              {last.projects.length > 0 ? (
                <ul class="plain">
                  {last.projects.map((project) => (
                    <li key={project.project}>
                      <span class={project.ok ? 'ok' : 'error'}>{project.ok ? '✓' : '✗'}</span>{' '}
                      {project.project}: <span class="sub">{project.detail}</span>
                    </li>
                  ))}
                </ul>
              ) : null}
            </>
          ) : source.applying ? null : (
            <span class="sub">not yet, since Tidewatch started</span>
          )}
        </dd>
      </dl>
      <h3>Applies and drift corrections</h3>
      {source.history.length === 0 ? (
        <p class="sub">None recorded.</p>
      ) : (
        <ul class="plain applies">
          {source.history.map((apply) => (
            <li key={apply.id} data-project={apply.project}>
              <span class={`outcome ${apply.state}`}>{apply.state}</span> <strong>{apply.project}</strong>{' '}
              <span class="mono">
                {short(apply.fromCommit)} → {short(apply.toCommit)}
              </span>{' '}
              <span class="sub">{dateTime(apply.finishedAt ?? apply.startedAt)}</span>
              {apply.reason ? <div class="sub">{apply.reason}</div> : null}
            </li>
          ))}
        </ul>
      )}
    </li>
  );
}

/** GitOps sources (docs/gitops.md): where each points, its last apply, its recent applies and drift. */
export function GitopsView({ shared }: { shared: Shared }): JSX.Element {
  const { data, error } = useLoad(viewsApi.gitopsSources, shared.version);
  return (
    <section>
      <div class="toolbar">
        <h1>GitOps</h1>
      </div>
      <LoadNotices what="the GitOps sources" loaded={data !== undefined} error={error} />
      {data?.items.length === 0 ? (
        <Notice kind="empty">No GitOps source is configured (--gitops-source, docs/gitops.md).</Notice>
      ) : null}
      {data && data.items.length > 0 ? (
        <ul class="cards wide">
          {data.items.map((source) => (
            <SourceCard key={source.name} source={source} />
          ))}
        </ul>
      ) : null}
    </section>
  );
}
