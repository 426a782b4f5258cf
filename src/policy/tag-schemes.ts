/**
 * How the numeric head of a tag is read: which scheme it follows (a version, CalVer, a date, a
 * two-digit-year release) and how many of its parts are the calendar. Pure; used by tag.ts.
 */

/**
 * - `version`: dotted numbers (`1`, `1.4`, `1.4.2`, `1.2.3.4`, a bare build number `168`)
 * - `calver`: dotted numbers whose first part is a year (`2024.10.1`, `2024.10`)
 * - `date`: a date, compact (`20240101`, `202401011230`), dashed (`2025-08-05`) or dotted
 *   with a zero-padded month and day (`2025.08.05`)
 * - `yymm`: a two-digit-year release with a zero-padded month (`20.04`, `22.04.1`): Ubuntu's scheme
 * - `latest`: the tag `latest`
 * - `named`: anything else (`stable`, `alpine`, `sha-1a2b3c`): never compared
 */
export type TagScheme = 'version' | 'calver' | 'date' | 'yymm' | 'latest' | 'named';

/** How a date is written, part of its shape: `20250805`, `2025-08-05` and `2025.08.05` are three series. */
export type DateForm = 'compact' | 'dashed' | 'dotted';

export interface NumericHead {
  readonly scheme: 'version' | 'calver' | 'date' | 'yymm';
  readonly numbers: readonly number[];
  /** For dates only. */
  readonly form?: DateForm | undefined;
}

function validDate(year: number, month: number, day: number): boolean {
  return year >= 1970 && year <= 2999 && month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

/** `20240101`, `202401011230`, `20240101123000`: one number that is a date (and a time). */
function isCompactDate(text: string): boolean {
  if (!/^\d{8}(?:\d{4}(?:\d{2})?)?$/.test(text)) return false;
  if (!validDate(Number(text.slice(0, 4)), Number(text.slice(4, 6)), Number(text.slice(6, 8)))) return false;
  if (text.length >= 12 && (Number(text.slice(8, 10)) > 23 || Number(text.slice(10, 12)) > 59)) return false;
  return text.length < 14 || Number(text.slice(12, 14)) <= 59;
}

const YEAR = /^(19[7-9]\d|2\d{3})$/;
const TWO_DIGITS = /^\d{2}$/;

/** Reads dotted numbers as written (`2025.08.05`, `22.04.1`, `1.4.2`), keeping the padding as evidence. */
export function readDotted(parts: readonly string[]): NumericHead {
  const numbers = parts.map(Number);
  const [first = '', second = '', third] = parts;
  if (parts.length === 1 && isCompactDate(first)) return { scheme: 'date', numbers, form: 'compact' };
  if (
    parts.length === 3 &&
    YEAR.test(first) &&
    TWO_DIGITS.test(second) &&
    TWO_DIGITS.test(third ?? '') &&
    validDate(numbers[0] ?? 0, numbers[1] ?? 0, numbers[2] ?? 0)
  ) {
    return { scheme: 'date', numbers, form: 'dotted' };
  }
  // A year first, with a month or more after it: 2024.10, 2024.10.1.
  if (parts.length > 1 && YEAR.test(first)) return { scheme: 'calver', numbers };
  // `20.04`, `22.04.1`: the zero-padded month is the evidence. `24.10` cannot be told from a
  // version 24.10 (Node's 20.10.0 is one), so it stays a version.
  if (parts.length >= 2 && parts.length <= 3 && /^[1-9]\d$/.test(first) && /^0[1-9]$/.test(second)) {
    return { scheme: 'yymm', numbers };
  }
  return { scheme: 'version', numbers };
}

const DASHED_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:-(.*))?$/s;

/** `2025-08-05` and `2025-08-05-1`: the date and what follows it, or undefined if it is not one. */
export function readDashedDate(raw: string): { head: NumericHead; suffix: string | undefined } | undefined {
  const match = DASHED_DATE.exec(raw);
  if (match === null) return undefined;
  const numbers = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (!validDate(numbers[0] ?? 0, numbers[1] ?? 0, numbers[2] ?? 0)) return undefined;
  return { head: { scheme: 'date', numbers, form: 'dashed' }, suffix: match[4] };
}

/**
 * How many leading numbers are the calendar, for the update kind: a change there is a new
 * release by date; a change after it (a point release, a build of the same day) is a patch.
 */
export function calendarParts(scheme: TagScheme, form: DateForm | undefined): number {
  if (scheme === 'date') return form === 'compact' ? 1 : 3;
  if (scheme === 'calver' || scheme === 'yymm') return 2;
  return 0;
}
