export { TidewatchError, describeError } from './errors.js';
export {
  parseImageRef,
  formatImageRef,
  familiarName,
  repositoryName,
  registryApiHost,
  repoDigestOf,
  DOCKER_HUB,
  type ImageRef,
} from './image-ref.js';
export type { Platform, LocalImage } from './image.js';
export type * from './container.js';
export { systemClock, systemSleep, type Clock, type Sleep } from './clock.js';
export { imageMatcher, type ImageMatcher } from './image-filter.js';
export { IMAGE_REF_LABEL, imageReferenceOf } from './image-reference.js';
export {
  MIN_AGE_SOURCES,
  type MinAgeSource,
  type RegistryPauseCause,
  type RegistryWaitCause,
  type PolicyWait,
  type CheckStatus,
  type WaitingFor,
  type CheckResult,
  type UpdateAction,
  type CycleEntry,
  type CycleReport,
} from './run.js';
export {
  buildReleaseLinks,
  hasLinkLabels,
  mergeImageLabels,
  normaliseSource,
  type ImageLabels,
  type ReleaseLinks,
} from './release-links.js';
export { byCodePoint } from './text-order.js';
