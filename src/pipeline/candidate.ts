import type { ImageRef, Platform } from '../domain/index.js';
import type { CheckResult } from '../domain/run.js';
import type { EffectivePolicy } from './effective-policy.js';

/**
 * A checked subject (a container or a swarm service) as the shared stages see it: what the check
 * found, the reference it runs and the one a tag policy moves it to, and its policy. Each subject
 * kind's own check result has these fields, and more for its apply step.
 */
export interface GateCandidate {
  readonly result: CheckResult;
  readonly ref?: ImageRef | undefined;
  /** The reference a tag policy moves it to (another tag of `ref`'s repository). */
  readonly target?: ImageRef | undefined;
  /** What it runs now; a cooldown counted from the build reads the build time for its platform. */
  readonly image?: { readonly platform: Platform } | undefined;
  readonly policy?: EffectivePolicy | undefined;
  readonly labels?: { readonly monitorOnly: boolean } | undefined;
}
