import { z } from 'zod';
import {
  MIN_AGE_SOURCES,
  formatPolicy,
  parsePolicy,
  parseWindow,
  type MaintenanceWindow,
  type Policy,
} from '../../policy/index.js';
import { parseApprovals, parseMinAgeSource, parseTimeZone } from '../policy-labels.js';
import { TextList } from '../file-values.js';
import { DAY_MS, fromText, option } from './spec.js';

const isObject = (value: unknown): boolean => typeof value === 'object' && value !== null;

/** The global policies, the defaults of the container labels (see policy-labels.ts). */
export const POLICY_OPTIONS = [
  option({
    key: 'policy',
    flag: 'policy',
    env: ['TIDEWATCH_POLICY'],
    kind: 'string',
    valueName: 'policy',
    description:
      'What containers may be updated to: digest (same tag, new image), patch, minor, major, semver:<range>, regex:<pattern> or pin',
    field: 'policy',
    schema: z.custom<Policy>(isObject, 'expected a policy'),
    default: { kind: 'digest' },
    read: fromText(parsePolicy),
    show: formatPolicy,
  }),
  option({
    key: 'minAge',
    flag: 'min-age',
    env: ['TIDEWATCH_MIN_AGE'],
    kind: 'duration',
    valueName: 'duration',
    allowZero: true,
    description: 'Cooldown: apply a new image only once it is this old, e.g. 3d; 0 at once',
    field: 'minAgeMs',
    schema: z.number().int().nonnegative(),
    default: 0,
  }),
  option({
    key: 'minAgeFrom',
    flag: 'min-age-from',
    env: ['TIDEWATCH_MIN_AGE_FROM'],
    kind: 'string',
    valueName: 'source',
    description:
      "What the cooldown counts from: seen (when Tidewatch first saw the digest) or created (the image config's build time)",
    field: 'minAgeFrom',
    schema: z.enum(MIN_AGE_SOURCES),
    default: 'seen',
    read: fromText(parseMinAgeSource),
  }),
  // Several windows are several `;`-separated ranges (src/policy/window.ts): a list reads better in a file.
  option({
    key: 'window',
    flag: 'window',
    env: ['TIDEWATCH_WINDOW'],
    kind: 'string',
    valueName: 'window',
    description: 'Maintenance window: updates are applied only inside it, e.g. "Sat,Sun 02:00-05:00"',
    field: 'window',
    schema: z.custom<MaintenanceWindow>(isObject, 'expected a window').optional(),
    defaultText: 'any time',
    read: fromText(parseWindow),
    show: (window) => window?.text,
    fileValue: { schema: TextList, type: 'text or list of windows' },
  }),
  option({
    key: 'timezone',
    flag: 'timezone',
    env: ['TIDEWATCH_TIMEZONE'],
    kind: 'string',
    valueName: 'zone',
    description: 'Time zone windows are read in, e.g. Europe/Berlin',
    field: 'timezone',
    // Unset means the process zone, resolved only where a window is read: asking ICU for it costs
    // an idle daemon 5 MB of file pages, 1.4 MB private and 11 to 18 ms of every start.
    schema: z.string().min(1).optional(),
    defaultText: 'the process zone, from TZ',
    read: fromText(parseTimeZone),
  }),
  option({
    key: 'approve',
    flag: 'approve',
    env: ['TIDEWATCH_APPROVE'],
    kind: 'string',
    valueName: 'votes',
    description: 'Updates wait for approval: true (one vote), a number of votes, or false',
    field: 'approve',
    schema: z.number().int().min(0).max(100),
    default: 0,
    defaultText: 'false',
    read: fromText(parseApprovals),
  }),
  // A week: long enough to cover a weekend and a holiday, short enough that stale requests go away.
  option({
    key: 'approvalDeadline',
    flag: 'approval-deadline',
    env: ['TIDEWATCH_APPROVAL_DEADLINE'],
    kind: 'duration',
    valueName: 'duration',
    allowZero: true,
    description: 'A pending approval expires this long after it was requested; 0 never',
    field: 'approvalDeadlineMs',
    schema: z.number().int().nonnegative(),
    default: 7 * DAY_MS,
  }),
] as const;
