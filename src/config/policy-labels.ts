import { Cron } from 'croner';
import { TidewatchError, describeError } from '../domain/errors.js';
import {
  compileTagPattern,
  isMinAgeSource,
  isTimeZone,
  parsePolicy,
  parseWindow,
  type MaintenanceWindow,
  type MinAgeSource,
  type Policy,
  type TagPattern,
} from '../policy/index.js';
import { parseDurationMs } from './duration.js';

/**
 * A container's policy labels (Tidewatch's only: Watchtower had none). Each unset or empty label
 * means the option of the same name; a malformed one throws one line naming the label, and the
 * container is `unknown` while the others are checked as usual.
 */
export interface PolicyLabels {
  /** `tidewatch.policy`. */
  readonly policy?: Policy;
  /** `tidewatch.tags.include`: an RE2 pattern candidate tags must match. */
  readonly include?: TagPattern;
  /** `tidewatch.tags.exclude`: an RE2 pattern candidate tags must not match. */
  readonly exclude?: TagPattern;
  /** `tidewatch.min-age`: 0 turns a global --min-age off for this container. */
  readonly minAgeMs?: number;
  /** `tidewatch.min-age.from`. */
  readonly minAgeFrom?: MinAgeSource;
  /** `tidewatch.window`; null for `always` (no window, whatever --window says). */
  readonly window?: MaintenanceWindow | null;
  /** `tidewatch.timezone`: the zone its window is read in. */
  readonly timeZone?: string;
  /** `tidewatch.approve`: votes needed, 0 for `false`. */
  readonly approvals?: number;
  /** `tidewatch.approve.deadline`: 0 for none. */
  readonly approvalDeadlineMs?: number;
  /** `tidewatch.schedule`: a 6-field cron on which this container is checked instead of the global one. */
  readonly schedule?: string;
  /**
   * `tidewatch.verify.signature`: true asks a trusted signature of every new image. false cannot
   * lift --require-signature: a label is set by whoever deploys, the option by whoever runs Tidewatch.
   */
  readonly requireSignature?: boolean;
}

type Labels = Readonly<Record<string, string>>;
interface Found {
  readonly key: string;
  readonly value: string;
}

const PREFIX = 'tidewatch.';
export const MAX_APPROVALS = 100;

function found(labels: Labels, name: string): Found | undefined {
  const key = PREFIX + name;
  const value = labels[key]?.trim();
  return value === undefined || value === '' ? undefined : { key, value };
}

function invalid(label: Found, cause: string): TidewatchError {
  return new TidewatchError('invalid-label', `label ${label.key}="${label.value}" ${cause}`);
}

/** Runs a parser that throws a TidewatchError, naming the label in its message. */
function parsed<T>(label: Found | undefined, parse: (value: string) => T): T | undefined {
  if (label === undefined) return undefined;
  try {
    return parse(label.value);
  } catch (error) {
    const why = describeError(error).replace(`"${label.value}" `, '');
    throw invalid(label, why);
  }
}

/** `true` is one vote, `false` none, a number that many (at most 100); shared with --approve. */
export function parseApprovals(value: string): number {
  const lower = value.trim().toLowerCase();
  if (['true', 'yes', 'on'].includes(lower)) return 1;
  if (['false', 'no', 'off', '0'].includes(lower)) return 0;
  if (/^\d{1,3}$/.test(lower) && Number(lower) >= 1 && Number(lower) <= MAX_APPROVALS) return Number(lower);
  throw new TidewatchError(
    'invalid-approve',
    `"${value}" must be true, false or a number of votes from 1 to ${MAX_APPROVALS}`,
  );
}

function parseSignatureLabel(value: string): boolean {
  const lower = value.trim().toLowerCase();
  if (['true', 'yes', 'on', '1'].includes(lower)) return true;
  if (['false', 'no', 'off', '0'].includes(lower)) return false;
  throw new TidewatchError('invalid-label', `"${value}" must be true or false`);
}

/** A duration where 0 means "off"; shared with the options. */
export function parseOptionalDuration(value: string): number {
  const ms = parseDurationMs(value);
  if (ms === undefined)
    throw new TidewatchError('invalid-duration', `"${value}" must be a duration such as 0, 12h or 3d`);
  return ms;
}

export function parseMinAgeSource(value: string): MinAgeSource {
  const lower = value.trim().toLowerCase();
  if (!isMinAgeSource(lower))
    throw new TidewatchError('invalid-min-age-from', `"${value}" must be seen or created`);
  return lower;
}

export function parseTimeZone(value: string): string {
  if (!isTimeZone(value)) {
    throw new TidewatchError('invalid-timezone', `"${value}" is not a time zone (e.g. UTC, Europe/Berlin)`);
  }
  return value;
}

/** The same rule as --schedule: six fields, seconds first, and croner must accept it. */
export function parseSchedule(value: string): string {
  const fields = value.trim().split(/\s+/).length;
  if (fields !== 6) {
    throw new TidewatchError(
      'invalid-schedule',
      `"${value}" has ${fields} fields; a schedule has 6 (seconds minutes hours day month weekday)`,
    );
  }
  try {
    new Cron(value, { paused: true });
  } catch (error) {
    throw new TidewatchError(
      'invalid-schedule',
      `"${value}" is not a cron expression: ${describeError(error)}`,
    );
  }
  return value;
}

function parseWindowLabel(value: string): MaintenanceWindow | null {
  return value.toLowerCase() === 'always' ? null : parseWindow(value);
}

/** Reads the policy labels; see PolicyLabels for each one. */
export function readPolicyLabels(labels: Labels): PolicyLabels {
  const entries = {
    policy: parsed(found(labels, 'policy'), parsePolicy),
    include: parsed(found(labels, 'tags.include'), compileTagPattern),
    exclude: parsed(found(labels, 'tags.exclude'), compileTagPattern),
    minAgeMs: parsed(found(labels, 'min-age'), parseOptionalDuration),
    minAgeFrom: parsed(found(labels, 'min-age.from'), parseMinAgeSource),
    window: parsed(found(labels, 'window'), parseWindowLabel),
    timeZone: parsed(found(labels, 'timezone'), parseTimeZone),
    approvals: parsed(found(labels, 'approve'), parseApprovals),
    approvalDeadlineMs: parsed(found(labels, 'approve.deadline'), parseOptionalDuration),
    schedule: parsed(found(labels, 'schedule'), parseSchedule),
    requireSignature: parsed(found(labels, 'verify.signature'), parseSignatureLabel),
  };
  // Only what is set: an unset label leaves the option in charge.
  return Object.fromEntries(Object.entries(entries).filter(([, value]) => value !== undefined));
}
