import { z } from 'zod';
import { TidewatchError, describeError } from '../domain/errors.js';
import {
  MIN_AGE_SOURCES,
  parsePolicy,
  parseWindow,
  processTimeZone,
  type MaintenanceWindow,
  type Policy,
} from '../policy/index.js';
import { parseApprovals, parseMinAgeSource, parseTimeZone } from './policy-labels.js';

/** A week: long enough to cover a weekend and a holiday, short enough that stale requests go away. */
export const DEFAULT_APPROVAL_DEADLINE_MS = 7 * 86_400_000;

const isObject = (value: unknown): boolean => typeof value === 'object' && value !== null;

/** The global policy settings, the defaults of the container labels (see policy-labels.ts). */
export const POLICY_SETTINGS = {
  policy: z.custom<Policy>(isObject, 'expected a policy'),
  minAgeMs: z.number().int().nonnegative(),
  minAgeFrom: z.enum(MIN_AGE_SOURCES),
  /** undefined: no window, updates at any time. */
  window: z.custom<MaintenanceWindow>(isObject, 'expected a window').optional(),
  /** An IANA zone Intl knows. */
  timezone: z.string().min(1),
  /** Votes an update needs; 0: none. */
  approve: z.number().int().min(0).max(100),
  /** 0: pending approvals never expire. */
  approvalDeadlineMs: z.number().int().nonnegative(),
};

/**
 * The policy settings from the parsed option values. Text values are read here (a policy, a
 * window, a zone), so a bad one stops Tidewatch at start naming its flag or variable.
 */
export function policySettings(
  parsed: Readonly<Record<string, unknown>>,
  sourceOf: (key: string) => string,
): {
  policy: Policy;
  minAgeMs: number;
  minAgeFrom: (typeof MIN_AGE_SOURCES)[number];
  window: MaintenanceWindow | undefined;
  timezone: string;
  approve: number;
  approvalDeadlineMs: number;
} {
  const read = <T>(key: string, parse: (text: string) => T): T | undefined => {
    const value = parsed[key];
    if (typeof value !== 'string') return undefined;
    try {
      return parse(value);
    } catch (error) {
      throw new TidewatchError('invalid-config', `${sourceOf(key)}: ${describeError(error)}`, {
        cause: error,
      });
    }
  };
  return {
    policy: read('policy', parsePolicy) ?? { kind: 'digest' },
    minAgeMs: typeof parsed.minAge === 'number' ? parsed.minAge : 0,
    minAgeFrom: read('minAgeFrom', parseMinAgeSource) ?? 'seen',
    window: read('window', parseWindow),
    timezone: read('timezone', parseTimeZone) ?? processTimeZone(),
    approve: read('approve', parseApprovals) ?? 0,
    approvalDeadlineMs:
      typeof parsed.approvalDeadline === 'number' ? parsed.approvalDeadline : DEFAULT_APPROVAL_DEADLINE_MS,
  };
}
