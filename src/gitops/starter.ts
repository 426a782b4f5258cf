import type { Daemon, Service } from '../daemon/index.js';
import { GitopsService, gitopsRoot, gitopsVerifyPolicy, registerGitops } from './service.js';

/**
 * `run` with GitOps sources (--gitops-source): a service beside the scheduler. Without sources it
 * starts nothing.
 */
export function startGitops(daemon: Daemon): Promise<Service> {
  const { deps } = daemon;
  const sources = deps.settings.gitopsSources;
  if (sources.length === 0) return Promise.resolve({ stop: () => Promise.resolve() });
  const service = new GitopsService(
    {
      engine: deps.engine,
      logger: deps.logger,
      journal: deps.store.journal,
      dockerHost: deps.settings.host,
      root: gitopsRoot(deps.settings.gitopsDir, deps.store.file),
      verify: gitopsVerifyPolicy(deps.settings),
    },
    sources,
  );
  registerGitops(deps.events, service);
  service.start();
  deps.logger.info({ sources: sources.map((source) => source.name) }, 'gitops sources watched');
  return Promise.resolve({ stop: () => service.stop() });
}
