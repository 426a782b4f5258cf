export { applySource, type ApplyDeps, type ApplyResult, type ProjectResult } from './apply.js';
export { findProjects, type GitopsProject } from './projects.js';
export { Checkout, type Commit } from './repo.js';
export { GITOPS_PREFIX, isGitopsSubject, closeInterrupted } from './history.js';
export {
  GitopsService,
  gitopsOf,
  gitopsRoot,
  gitopsVerifyPolicy,
  registerGitops,
  type LastApply,
} from './service.js';
export { startGitops } from './starter.js';
