import type { Engine } from '../engine/index.js';
import type { Logger } from '../log/index.js';
import type { Journal } from '../store/index.js';
import type { VerifyPolicy } from '../updater/verify.js';

export interface ApplyDeps {
  readonly engine: Engine;
  readonly logger: Logger;
  readonly journal?: Journal | undefined;
  /** DOCKER_HOST for the compose CLI. */
  readonly dockerHost?: string | undefined;
  /** Where the checkouts and each source's last good commit are kept. */
  readonly root: string;
  /** How the containers an apply starts prove themselves; none are verified without it. */
  readonly verify?: VerifyPolicy | undefined;
}

export interface ProjectResult {
  readonly project: string;
  readonly ok: boolean;
  /** `service: state` for each service after `up`, or why the project failed. */
  readonly detail: string;
}
