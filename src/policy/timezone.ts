/**
 * Wall-clock arithmetic in an IANA time zone with nothing but Intl, which Node ships with full ICU
 * data. Formatters are cached per zone, and the process zone once: neither changes a result.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let found = formatters.get(zone);
  if (found === undefined) {
    found = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, found);
  }
  return found;
}

/** Whether Intl knows `zone` (`Europe/Berlin`, `UTC`, `America/New_York`). */
export function isTimeZone(zone: string): boolean {
  try {
    formatter(zone);
    return true;
  } catch {
    return false;
  }
}

let processZone: string | undefined;

/**
 * The zone this process runs in: `TZ` when set, else the system's. Asked of ICU once, when a
 * window is first read (the gates read it for every container with a window, every cycle).
 */
export function processTimeZone(): string {
  processZone ??= Intl.DateTimeFormat().resolvedOptions().timeZone;
  return processZone;
}

/** A local calendar day; `weekday` 0 is Sunday. */
export interface LocalDay {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly weekday: number;
}

interface LocalTime extends LocalDay {
  /** Minutes since local midnight. */
  readonly minutes: number;
}

function localTime(epochMs: number, zone: string): LocalTime {
  const parts: Record<string, number> = {};
  for (const part of formatter(zone).formatToParts(epochMs)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  const year = parts.year ?? 1970;
  const month = parts.month ?? 1;
  const day = parts.day ?? 1;
  return {
    year,
    month,
    day,
    weekday: new Date(Date.UTC(year, month - 1, day)).getUTCDay(),
    minutes: (parts.hour ?? 0) * 60 + (parts.minute ?? 0),
  };
}

/** The zone's offset from UTC at `epochMs`, in milliseconds (Berlin in winter: +3 600 000). */
function offsetAt(epochMs: number, zone: string): number {
  const whole = Math.floor(epochMs / 1000) * 1000;
  const parts: Record<string, number> = {};
  for (const part of formatter(zone).formatToParts(whole)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  const asUtc = Date.UTC(
    parts.year ?? 1970,
    (parts.month ?? 1) - 1,
    parts.day ?? 1,
    parts.hour ?? 0,
    parts.minute ?? 0,
    parts.second ?? 0,
  );
  return asUtc - whole;
}

/** The local day `epochMs` falls on in `zone`, moved by `offsetDays`. */
export function localDay(epochMs: number, zone: string, offsetDays = 0): LocalDay {
  const today = localTime(epochMs, zone);
  const date = new Date(Date.UTC(today.year, today.month - 1, today.day + offsetDays));
  return {
    year: date.getUTCFullYear(),
    month: date.getUTCMonth() + 1,
    day: date.getUTCDate(),
    weekday: date.getUTCDay(),
  };
}

/**
 * The instant at which the wall clock in `zone` shows `minutes` past midnight on `day` (minutes may
 * be 1440: the next midnight). In a daylight-saving gap, where that wall time does not exist, the
 * instant is the one the clock jumped over it at (02:30 on a spring-forward night is 03:30).
 */
export function zonedInstant(day: LocalDay, minutes: number, zone: string): number {
  const wall = Date.UTC(day.year, day.month - 1, day.day, 0, minutes);
  const first = wall - offsetAt(wall, zone);
  const second = wall - offsetAt(first, zone);
  return Math.max(first, second);
}
