import type { EventBus } from '../events/index.js';
import {
  applySource,
  closeInterrupted,
  gitopsRoot,
  gitopsVerifyPolicy,
  type ApplyResult,
} from '../gitops/index.js';
import type { Store } from '../store/index.js';
import type { CycleDeps } from '../updater/index.js';

/**
 * `tidewatch gitops`: applies every GitOps source once (fetch, validate, `compose up -d`, verify;
 * with no new commit, put back what drifted), prints
 * one line per source, and exits 0 when every source is applied or unchanged, 1 otherwise. `run`
 * does the same on each source's interval and on the git webhook (src/gitops/starter.ts).
 */
export async function gitopsCommand(
  deps: CycleDeps & { readonly store: Store; readonly events: EventBus },
  write: (text: string) => void,
  writeError: (text: string) => void,
): Promise<number> {
  const sources = deps.settings.gitopsSources;
  if (sources.length === 0) {
    writeError('tidewatch: no GitOps source: give --gitops-source or TIDEWATCH_GITOPS_SOURCES\n');
    return 2;
  }
  closeInterrupted(deps.store.journal);
  const applyDeps = {
    engine: deps.engine,
    logger: deps.logger,
    journal: deps.store.journal,
    dockerHost: deps.settings.host,
    root: gitopsRoot(deps.settings.gitopsDir, deps.store.file),
    verify: gitopsVerifyPolicy(deps.settings),
  };
  let failed = 0;
  for (const source of sources) {
    const result = await applySource(applyDeps, source);
    const uncorrected = result.kind === 'unchanged' && result.corrected?.some((project) => !project.ok);
    if (result.kind === 'failed' || uncorrected === true) failed += 1;
    write(`${source.name}: ${describe(result)}\n`);
  }
  return failed === 0 ? 0 : 1;
}

function describe(result: ApplyResult): string {
  switch (result.kind) {
    case 'unchanged': {
      const corrected = (result.corrected ?? []).map((project) => `${project.project} [${project.detail}]`);
      return `unchanged at ${result.commit.slice(0, 12)}${corrected.length > 0 ? `: ${corrected.join('; ')}` : ''}`;
    }
    case 'applied':
      return `applied ${result.commit.id.slice(0, 12)} (${result.commit.message}): ${result.projects
        .map((project) => `${project.project} [${project.detail}]`)
        .join('; ')}`;
    case 'failed':
      return `failed${result.commit ? ` at ${result.commit.id.slice(0, 12)}` : ''}: ${result.reason}`;
  }
}
