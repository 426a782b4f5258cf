import { API_OPTIONS } from './api.js';
import { BUNDLE_OPTIONS } from './bundle.js';
import { FLEET_OPTIONS } from './fleet.js';
import { LEGACY_NOTIFICATION_OPTIONS } from './legacy.js';
import { LOG_OPTIONS } from './log.js';
import { NOTIFY_OPTIONS } from './notify.js';
import { OIDC_OPTIONS } from './oidc.js';
import { PLATFORM_OPTIONS } from './platform.js';
import { POLICY_OPTIONS } from './policy.js';
import { RUN_OPTIONS } from './run.js';
import { SIGNATURE_OPTIONS } from './signature.js';
import { UPDATE_OPTIONS } from './update.js';

/**
 * Every setting Tidewatch reads, each declared once (spec.ts), in the order `--help` and the
 * reference list them.
 */
export const OPTIONS = [
  ...RUN_OPTIONS,
  ...UPDATE_OPTIONS,
  ...POLICY_OPTIONS,
  ...SIGNATURE_OPTIONS,
  ...PLATFORM_OPTIONS,
  ...API_OPTIONS,
  ...OIDC_OPTIONS,
  ...FLEET_OPTIONS,
  ...BUNDLE_OPTIONS,
  ...NOTIFY_OPTIONS,
  ...LEGACY_NOTIFICATION_OPTIONS,
  ...LOG_OPTIONS,
] as const;

export type Option = (typeof OPTIONS)[number];

export { type AnyOption, type OptionKind, type OptionSpec } from './spec.js';
export { NOTIFICATION_LEVELS } from './notify.js';
export { LOG_LEVELS, logLevelOf } from './log.js';
export { BOOLEAN_WORDS, parseValue, type RawValue } from './parse-value.js';
