export {
  OPTIONS,
  OPTION_GROUPS,
  optionGroupOf,
  NOTIFICATION_LEVELS,
  logLevelOf,
  type AnyOption,
  type OptionSpec,
} from './options/index.js';
export { loadSettings, Settings, type FlagValues } from './settings.js';
export { helpText } from './help-text.js';
export { parseDurationMs, formatDuration } from './duration.js';
export { parseRegistryLimits, RegistryLimitSetting } from './registry-limits.js';
export { readContainerLabels, readDependsOnLabel, readScopeLabel, type ContainerLabels } from './labels.js';
export {
  readStopTimeoutLabel,
  readVerifyLabels,
  type VerifyLabels,
  type RolloutLabels,
} from './verify-labels.js';
export { readPolicyLabels, type PolicyLabels } from './policy-labels.js';
export { readProxyLabels, PROXY_DRIVERS, type ProxyLabels, type ProxyBackend } from './proxy-labels.js';
export { STRATEGIES, isStrategy, type Strategy } from './strategy.js';
export {
  readLifecycleHooks,
  HOOK_PHASES,
  DEFAULT_HOOK_TIMEOUT_MS,
  type HookPhase,
  type LifecycleHook,
  type LifecycleHooks,
} from './lifecycle-labels.js';
export { yaml } from './yaml.js';
export { loadConfigFile, type ConfigFile, type RegistryLogin } from './config-file.js';
export { configFileFrom } from './settings.js';
export { effectiveConfig, REDACTED, type EffectiveConfigOptions } from './effective-config.js';
export { changedOptions } from './changed-options.js';
export { SECRET_OPTIONS } from './config-schema.js';
export { renderConfigurationReference } from './reference.js';
export { LABELS, type LabelSpec } from './label-reference.js';
export { GitopsSourceSetting, parseGitopsSources, DEFAULT_GITOPS_INTERVAL_MS } from './gitops-sources.js';
export { parseWatchtowerArguments, type WatchtowerArgument } from './watchtower-arguments.js';
export {
  WATCHTOWER_HANDLED,
  optionForWatchtower,
  renderWatchtowerTable,
  unreadWatchtowerVariables,
  withWatchtowerTable,
} from './watchtower-compat.js';
