import type { GitopsSourceSetting } from '../config/index.js';
import { describeError } from '../domain/errors.js';
import { redactUrl } from '../domain/redact.js';
import type { Logger } from '../log/index.js';
import type { ComposeProject } from '../compose/index.js';
import type { ApplyDeps, ProjectResult } from './types.js';
import { describeDrift, projectDrift } from './drift.js';
import { ApplyHistory, isGitopsSubject } from './history.js';
import { findProjects, type GitopsProject } from './projects.js';
import type { Checkout } from './repo.js';
import { upAndVerify } from './up-project.js';

export interface ConvergeSource {
  readonly source: GitopsSourceSetting;
  readonly checkout: Checkout;
  readonly lastGood: string | undefined;
  readonly composeOf: (project: GitopsProject) => ComposeProject;
}

/**
 * Puts back what drifted from the last good commit (a service removed, stopped or changed by hand):
 * `compose up -d` for each project that drifted, verified like an apply, and one history row per
 * project, `drift corrected: web: removed`. Never while one of Tidewatch's own updates is in flight:
 * its renamed and half-created containers are not drift, and compose must not race it.
 */
export async function correctDrift(
  deps: ApplyDeps,
  { source, checkout, lastGood, composeOf }: ConvergeSource,
  log: Logger,
  signal?: AbortSignal,
): Promise<ProjectResult[]> {
  if (lastGood === undefined) return [];
  const updating = deps.journal?.unfinished().filter((record) => !isGitopsSubject(record.containerName));
  if (updating !== undefined && updating.length > 0) {
    log.debug({ updating: updating.map((record) => record.containerName) }, 'gitops: drift check waits');
    return [];
  }
  await checkout.checkout(lastGood);
  const results: ProjectResult[] = [];
  for (const project of findProjects(checkout.path, source.path)) {
    const compose = composeOf(project);
    let drift;
    try {
      drift = await projectDrift(deps.engine, compose, { dockerHost: deps.dockerHost, signal });
    } catch (error) {
      log.warn({ project: project.name, reason: describeError(error) }, 'gitops: drift not checked');
      continue;
    }
    if (drift.length === 0) continue;
    const what = `drift corrected: ${describeDrift(drift)}`;
    log.warn({ project: project.name, drift }, 'gitops: the running state drifted from the last good commit');
    const history = new ApplyHistory(deps.journal, {
      project: project.name,
      origin: `${redactUrl(source.url)}#${source.branch}:${project.relativeDir}`,
      fromCommit: lastGood,
      toCommit: lastGood,
    });
    history.validated();
    const up = await upAndVerify(deps, compose, [], signal);
    if (up.ok) history.committed(`${what}; ${up.detail}`);
    else history.failed(`${describeDrift(drift)}: not corrected: ${up.detail}`, up.logs);
    results.push({ project: project.name, ok: up.ok, detail: up.ok ? `${what}; ${up.detail}` : up.detail });
  }
  return results;
}
