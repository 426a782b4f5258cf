import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { GitopsSourceSetting } from '../config/index.js';
import { describeError } from '../domain/errors.js';
import { redactText, redactUrl } from '../domain/redact.js';
import { runCompose, type ComposeProject } from '../compose/index.js';
import { correctDrift } from './converge.js';
import type { ApplyDeps, ProjectResult } from './types.js';
import { makeDirs } from '../domain/dirs.js';

export type { ApplyDeps, ProjectResult };
import { ApplyHistory } from './history.js';
import { findProjects, type GitopsProject } from './projects.js';
import { Checkout, type Commit } from './repo.js';
import { restoreLastGood } from './restore.js';
import { upAndVerify } from './up-project.js';

export type ApplyResult =
  | {
      readonly kind: 'unchanged';
      readonly commit: string;
      /** Projects whose drift from the commit was put back (or could not be), when any drifted. */
      readonly corrected?: readonly ProjectResult[];
    }
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
  const composeOf = (project: GitopsProject): ComposeProject => ({
    project: project.name,
    files: [project.file],
    workingDir: project.dir,
    envFile: envFileOf(source, project.name),
  });
  if (commit.id === lastGood) {
    // Nothing new: converge anyway, putting back what was changed by hand since (drift.ts).
    const corrected = await correctDrift(deps, { source, checkout, lastGood, composeOf }, log, signal);
    return { kind: 'unchanged', commit: commit.id, ...(corrected.length > 0 && { corrected }) };
  }
  log.info({ commit: commit.id, message: commit.message, lastGood }, 'gitops: new commit');

  await checkout.checkout(commit.id);
  const projects = findProjects(checkout.path, source.path);
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
  const upArgs = source.removeOrphans ? ['--remove-orphans'] : [];
  for (const project of projects) {
    const history = histories.get(project.name);
    const up = await upAndVerify(deps, composeOf(project), upArgs, signal);
    results.push({ project: project.name, ok: up.ok, detail: up.detail });
    if (up.ok) {
      history?.committed(`${commit.message}; ${up.detail}`);
      continue;
    }
    const what = `commit ${commit.id.slice(0, 12)} (${commit.message}): ${up.detail}`;
    // A container that did not verify is put back below, from the last good commit.
    if (up.stage === 'verify' && lastGood !== undefined)
      history?.rolledBack(`${what}; back to ${lastGood.slice(0, 12)}`, up.logs);
    else history?.failed(what, up.logs);
  }
  const failed = results.filter((result) => !result.ok);
  if (failed.length === 0) {
    writeLastGood(stateFile, commit.id);
    log.info({ commit: commit.id, projects: results }, 'gitops: applied');
    return { kind: 'applied', commit, projects: results };
  }
  const reason = `the apply failed for ${failed.map((result) => result.project).join(', ')}`;
  log.error({ commit: commit.id, projects: results }, `gitops: ${reason}`);
  if (lastGood !== undefined) {
    const context = { engine: deps.engine, checkout, lastGood, source, composeOf, options, log };
    await restoreLastGood(
      context,
      failed.map((result) => result.project),
    );
  }
  return { kind: 'failed', commit, reason, projects: results };
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
  makeDirs(join(file, '..'));
  writeFileSync(file, `${JSON.stringify({ lastGood: commit })}\n`);
}
