export { OPTIONS, type OptionSpec, type OptionKey } from './options.js';
export {
  loadSettings,
  Settings,
  DEFAULT_INTERVAL_MS,
  DEFAULT_STOP_TIMEOUT_MS,
  type FlagValues,
} from './settings.js';
export { parseDurationMs, formatDuration } from './duration.js';
export { readContainerLabels, readDependsOnLabel, readScopeLabel, type ContainerLabels } from './labels.js';
export {
  readLifecycleHooks,
  HOOK_PHASES,
  DEFAULT_HOOK_TIMEOUT_MS,
  type HookPhase,
  type LifecycleHook,
  type LifecycleHooks,
} from './lifecycle-labels.js';
