import { TidewatchError } from '../domain/errors.js';
import { localDay, zonedInstant } from './timezone.js';

/**
 * A maintenance window: when updates may be applied. Written as one or more ranges separated by
 * `;`, each `[DAYS] HH:MM-HH:MM`: `Sat,Sun 02:00-05:00`, `Mon-Fri 22:00-06:00` (an end before the
 * start runs past midnight into the next day), `03:00-04:00` (every day), `Sat 00:00-24:00`.
 * A window is an interval of time, not a cron minute: an update waiting for it is applied whenever
 * a check finds the window open, and `opensAt` says when that next happens.
 */
export interface MaintenanceWindow {
  readonly text: string;
  readonly ranges: readonly WindowRange[];
}

export interface WindowRange {
  /** Days the range starts on; 0 is Sunday. */
  readonly days: ReadonlySet<number>;
  /** Minutes after local midnight. */
  readonly start: number;
  /** Minutes after local midnight, 1440 at most; at or before `start` means the next day. */
  readonly end: number;
}

export type WindowState =
  { readonly open: true; readonly closesAt: number } | { readonly open: false; readonly opensAt: number };

const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const FULL_DAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const RANGE = /^(?:(.+?)\s+)?(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})$/;

function invalid(text: string, why: string): TidewatchError {
  return new TidewatchError('invalid-window', `"${text}" ${why}`);
}

function dayNumber(name: string, text: string): number {
  const lower = name.trim().toLowerCase();
  const index = Math.max(DAYS.indexOf(lower), FULL_DAYS.indexOf(lower));
  if (index === -1) throw invalid(text, `names an unknown day "${name.trim()}" (use Mon, Tue, ... Sun)`);
  return index;
}

function parseDays(list: string | undefined, text: string): Set<number> {
  if (list === undefined) return new Set([0, 1, 2, 3, 4, 5, 6]);
  const days = new Set<number>();
  for (const item of list.split(',')) {
    const [from = '', to] = item.split('-');
    const first = dayNumber(from, text);
    const last = to === undefined ? first : dayNumber(to, text);
    // Fri-Mon wraps over the weekend.
    for (let day = first; ; day = (day + 1) % 7) {
      days.add(day);
      if (day === last) break;
    }
  }
  return days;
}

function minutes(hours: string, mins: string, text: string, allowMidnightEnd: boolean): number {
  const h = Number(hours);
  const m = Number(mins);
  const total = h * 60 + m;
  if (m > 59 || h > 24 || (h === 24 && (m !== 0 || !allowMidnightEnd))) {
    throw invalid(text, `has a time ${hours}:${mins} that is not on a clock`);
  }
  return total;
}

/** Reads a window; a malformed one throws `invalid-window` naming what is wrong. */
export function parseWindow(input: string): MaintenanceWindow {
  const text = input.trim();
  if (text === '') throw invalid(text, 'is empty');
  const ranges = text.split(';').map((part): WindowRange => {
    const match = RANGE.exec(part.trim());
    if (match === null) throw invalid(text, 'is not a window such as "Sat,Sun 02:00-05:00"');
    const [, days, startH = '', startM = '', endH = '', endM = ''] = match;
    const start = minutes(startH, startM, text, false);
    const end = minutes(endH, endM, text, true);
    if (start === end) throw invalid(text, 'has a range that starts when it ends');
    return { days: parseDays(days, text), start, end };
  });
  return { text, ranges };
}

/**
 * Whether `window` is open at `now` in `zone`, and when it closes, or when it next opens. Ranges
 * that started yesterday and run past midnight count. Pure (Intl does the zone arithmetic).
 */
export function windowState(window: MaintenanceWindow, zone: string, now: number): WindowState {
  let closesAt: number | undefined;
  let opensAt: number | undefined;
  // Yesterday (a range running past midnight) through a week ahead: every range opens in there.
  for (let offset = -1; offset <= 7; offset++) {
    const day = localDay(now, zone, offset);
    for (const range of window.ranges) {
      if (!range.days.has(day.weekday)) continue;
      const open = zonedInstant(day, range.start, zone);
      const close =
        range.end > range.start
          ? zonedInstant(day, range.end, zone)
          : zonedInstant(localDay(now, zone, offset + 1), range.end, zone);
      if (open <= now && now < close) closesAt = Math.max(closesAt ?? close, close);
      else if (open > now) opensAt = Math.min(opensAt ?? open, open);
    }
  }
  if (closesAt !== undefined) return { open: true, closesAt };
  // A parsed window has at least one day and range, so something opens within the week.
  return { open: false, opensAt: opensAt ?? now };
}
