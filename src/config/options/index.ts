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
import type { AnyOption } from './spec.js';

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

/** The headings `--help` groups options under, in the order above; `uses` says which commands read them. */
export const OPTION_GROUPS: readonly {
  readonly heading: string;
  readonly options: readonly AnyOption[];
  readonly usedBy: readonly ('run' | 'once' | 'check')[];
}[] = [
  { heading: 'What to watch, and when', options: RUN_OPTIONS, usedBy: ['run', 'once', 'check'] },
  { heading: 'How updates are made', options: UPDATE_OPTIONS, usedBy: ['run', 'once'] },
  { heading: 'Policies', options: POLICY_OPTIONS, usedBy: ['run', 'once', 'check'] },
  { heading: 'Signatures', options: SIGNATURE_OPTIONS, usedBy: ['run', 'once', 'check'] },
  { heading: 'Engine and registries', options: PLATFORM_OPTIONS, usedBy: ['run', 'once', 'check'] },
  { heading: 'HTTP API', options: API_OPTIONS, usedBy: ['run'] },
  { heading: 'Sign-in (OIDC)', options: OIDC_OPTIONS, usedBy: ['run'] },
  { heading: 'Fleet', options: FLEET_OPTIONS, usedBy: ['run'] },
  { heading: 'Offline bundles', options: BUNDLE_OPTIONS, usedBy: ['run'] },
  { heading: 'Notifications', options: NOTIFY_OPTIONS, usedBy: ['run', 'once'] },
  {
    heading: 'Notifications (Watchtower legacy)',
    options: LEGACY_NOTIFICATION_OPTIONS,
    usedBy: ['run', 'once'],
  },
  { heading: 'Logging', options: LOG_OPTIONS, usedBy: ['run', 'once', 'check'] },
];

/** The group an option is listed under (every option is in exactly one: a test says so). */
export function optionGroupOf(option: AnyOption): (typeof OPTION_GROUPS)[number] | undefined {
  return OPTION_GROUPS.find((group) => group.options.includes(option));
}

export { type AnyOption, type OptionKind, type OptionSpec } from './spec.js';
export { NOTIFICATION_LEVELS } from './notify.js';
export { LOG_LEVELS, logLevelOf } from './log.js';
export { BOOLEAN_WORDS, parseValue, type RawValue } from './parse-value.js';
