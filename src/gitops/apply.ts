import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { GitopsSourceSetting } from '../config/index.js';
import { describeError } from '../domain/errors.js';
import { redactText, redactUrl } from '../domain/redact.js';
import type { Engine } from '../engine/index.js';
import type { Logger } from '../log/index.js';
import type { Journal } from '../store/index.js';
import { COMPOSE_LABELS, runCompose, type ComposeProject } from '../compose/index.js';
import { ApplyHistory } from './history.js';
import { findProjects, type GitopsProject } from './projects.js';
import { Checkout, type Commit } from './repo.js';

export interface ApplyDeps {
  readonly engine: Engine;
  readonly logger: Logger;
  readonly journal?: Journal | undefined;
  /** DOCKER_HOST for the compose CLI. */
  readonly dockerHost?: string | undefined;
  /** Where the checkouts and each source's last good commit are kept. */
  readonly root: string;
}

export interface ProjectResult {
  readonly project: string;
  readonly ok: boolean;
  /** `service: state` for each service after `up`, or why the project failed. */
  readonly detail: string;
}

export type ApplyResult =
  | { readonly kind: 'unchanged'; readonly commit: string }
  | { readonly kind: 'applied'; readonly commit: Commit; readonly projects: readonly ProjectResult[] }
  | {
      readonly kind: 'failed';
      readonly commit?: Commit;
      readonly reason: string;
      readonly projects: readonly ProjectResult[];
    };

const State = z.object({ lastGood: z.string().regex(/^[0-9a-f]{40,64}$/) });

/**
 * Converges the host to a source's branch: fetch; on a commit not yet applied, check it out and
 * validate every project (`compose config -q`) before touching anything; then `compose up -d` each
 * project (creating what is missing, recreating what changed). A commit that does not validate
 * changes nothing: the working tree goes back to the last good commit, which keeps running. A
 * project whose `up` fails is brought back up from the last good commit.
 */
export async function applySource(
  deps: ApplyDeps,
  source: GitopsSourceSetting,
  signal?: AbortSignal,
): Promise<ApplyResult> {
  const log = deps.logger.child({ gitops: source.name, branch: source.branch });
  const checkout = new Checkout(source, deps.root);
  const stateFile = join(deps.root, `${source.name}.state.json`);
  const lastGood = readLastGood(stateFile);
  let commit: Commit;
  try {
    commit = await checkout.fetch();
  } catch (error) {
    // git may echo the source's URL, credentials and all.
    const reason = redactText(describeError(error));
    log.error({ reason }, 'gitops fetch failed');
    return { kind: 'failed', reason, projects: [] };
  }
  if (commit.id === lastGood) return { kind: 'unchanged', commit: commit.id };
  log.info({ commit: commit.id, message: commit.message, lastGood }, 'gitops: new commit');

  await checkout.checkout(commit.id);
  const projects = findProjects(checkout.path, source.path);
  const composeOf = (project: GitopsProject): ComposeProject => ({
    project: project.name,
    files: [project.file],
    workingDir: project.dir,
    envFile: envFileOf(source, project.name),
  });
  const options = { dockerHost: deps.dockerHost, signal };
  const histories = new Map(
    projects.map((project) => [
      project.name,
      new ApplyHistory(deps.journal, {
        project: project.name,
        origin: `${redactUrl(source.url)}#${source.branch}:${project.relativeDir}`,
        fromCommit: lastGood,
        toCommit: commit.id,
      }),
    ]),
  );

  // Validate all first: a broken commit must not half-apply.
  const invalid: ProjectResult[] = [];
  for (const project of projects) {
    try {
      await runCompose(composeOf(project), ['config', '-q'], options);
    } catch (error) {
      invalid.push({
        project: project.name,
        ok: false,
        detail: `invalid compose file: ${describeError(error)}`,
      });
    }
  }
  if (invalid.length > 0) {
    const reason = `commit ${commit.id.slice(0, 12)} (${commit.message}) does not validate; the last good commit keeps running`;
    for (const project of projects) {
      const bad = invalid.find((result) => result.project === project.name);
      histories
        .get(project.name)
        ?.failed(bad ? `${reason}: ${bad.detail}` : `${reason} (another project is invalid)`);
    }
    log.error({ commit: commit.id, invalid }, 'gitops: commit does not validate; nothing changed');
    if (lastGood !== undefined) await checkout.checkout(lastGood);
    return { kind: 'failed', commit, reason, projects: invalid };
  }
  for (const project of projects) histories.get(project.name)?.validated();

  const results: ProjectResult[] = [];
  for (const project of projects) {
    const history = histories.get(project.name);
    try {
      await runCompose(
        composeOf(project),
        ['up', '-d', ...(source.removeOrphans ? ['--remove-orphans'] : [])],
        options,
      );
      const detail = await serviceStates(deps.engine, project.name);
      history?.committed(`${commit.message}; ${detail}`);
      results.push({ project: project.name, ok: true, detail });
    } catch (error) {
      const detail = `compose up failed: ${describeError(error)}`;
      history?.failed(`commit ${commit.id.slice(0, 12)} (${commit.message}): ${detail}`);
      results.push({ project: project.name, ok: false, detail });
    }
  }
  const failed = results.filter((result) => !result.ok);
  if (failed.length === 0) {
    writeLastGood(stateFile, commit.id);
    log.info({ commit: commit.id, projects: results }, 'gitops: applied');
    return { kind: 'applied', commit, projects: results };
  }
  const reason = `compose up failed for ${failed.map((result) => result.project).join(', ')}`;
  log.error({ commit: commit.id, projects: results }, `gitops: ${reason}`);
  if (lastGood !== undefined) await restore(checkout, lastGood, source, failed, composeOf, options, log);
  return { kind: 'failed', commit, reason, projects: results };
}

/** Brings the failed projects back up from the last good commit (those that existed then). */
async function restore(
  checkout: Checkout,
  lastGood: string,
  source: GitopsSourceSetting,
  failed: readonly ProjectResult[],
  composeOf: (project: GitopsProject) => ComposeProject,
  options: { dockerHost?: string | undefined; signal?: AbortSignal | undefined },
  log: Logger,
): Promise<void> {
  await checkout.checkout(lastGood);
  const before = findProjects(checkout.path, source.path);
  for (const result of failed) {
    const project = before.find((candidate) => candidate.name === result.project);
    if (!project) continue;
    await runCompose(composeOf(project), ['up', '-d'], options).catch((error: unknown) => {
      log.error(
        { project: project.name, reason: describeError(error) },
        'gitops: could not restore the last good commit',
      );
    });
  }
}

/** `web: running, db: running`, from the engine, for the history. */
async function serviceStates(engine: Engine, project: string): Promise<string> {
  const rows = await engine.listContainers({ all: true });
  const states = rows
    .filter(
      (row) => row.labels[COMPOSE_LABELS.project] === project && row.labels[COMPOSE_LABELS.oneoff] !== 'True',
    )
    .map((row) => `${row.labels[COMPOSE_LABELS.service] ?? row.name}: ${row.state}`)
    .sort();
  return states.length > 0 ? states.join(', ') : 'no services';
}

function envFileOf(source: GitopsSourceSetting, project: string): string | undefined {
  if (source.envDir === undefined) return undefined;
  const file = join(source.envDir, `${project}.env`);
  return existsSync(file) ? file : undefined;
}

function readLastGood(file: string): string | undefined {
  try {
    return State.parse(JSON.parse(readFileSync(file, 'utf8'))).lastGood;
  } catch {
    return undefined;
  }
}

function writeLastGood(file: string, commit: string): void {
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, `${JSON.stringify({ lastGood: commit })}\n`);
}
