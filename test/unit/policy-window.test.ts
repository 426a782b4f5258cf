import { describe, expect, it } from 'vitest';
import { cooldown, parseWindow, windowState } from '../../src/policy/index.js';

const at = (iso: string): number => Date.parse(iso);
const iso = (epoch: number): string => new Date(epoch).toISOString();

describe('maintenance windows', () => {
  const weekend = parseWindow('Sat,Sun 02:00-05:00');

  it.each([
    // 2026-01-03 is a Saturday.
    [
      'Saturday 03:00 UTC: open until 05:00',
      '2026-01-03T03:00:00Z',
      'UTC',
      { open: true, closesAt: '2026-01-03T05:00:00.000Z' },
    ],
    [
      'Saturday 02:00 sharp: open',
      '2026-01-03T02:00:00Z',
      'UTC',
      { open: true, closesAt: '2026-01-03T05:00:00.000Z' },
    ],
    [
      'Saturday 05:00 sharp: closed, opens Sunday',
      '2026-01-03T05:00:00Z',
      'UTC',
      { open: false, opensAt: '2026-01-04T02:00:00.000Z' },
    ],
    [
      'Friday noon: opens Saturday 02:00',
      '2026-01-02T12:00:00Z',
      'UTC',
      { open: false, opensAt: '2026-01-03T02:00:00.000Z' },
    ],
    [
      'Sunday after it: opens next Saturday',
      '2026-01-04T06:00:00Z',
      'UTC',
      { open: false, opensAt: '2026-01-10T02:00:00.000Z' },
    ],
    // Berlin is UTC+1 in January: 02:00 there is 01:00 UTC.
    [
      'in Berlin: Saturday 01:30 UTC is 02:30 there',
      '2026-01-03T01:30:00Z',
      'Europe/Berlin',
      { open: true, closesAt: '2026-01-03T04:00:00.000Z' },
    ],
    [
      'in Berlin: Friday 12:00 UTC',
      '2026-01-02T12:00:00Z',
      'Europe/Berlin',
      { open: false, opensAt: '2026-01-03T01:00:00.000Z' },
    ],
    // New York is UTC-5 in January: Saturday 02:00 there is 07:00 UTC; Saturday 03:00 UTC is still Friday there.
    [
      'in New York: Saturday 03:00 UTC is Friday evening',
      '2026-01-03T03:00:00Z',
      'America/New_York',
      { open: false, opensAt: '2026-01-03T07:00:00.000Z' },
    ],
  ])('%s', (_label, now, zone, expected) => {
    const state = windowState(weekend, zone, at(now));
    expect(
      state.open
        ? { open: true, closesAt: iso(state.closesAt) }
        : { open: false, opensAt: iso(state.opensAt) },
    ).toEqual(expected);
  });

  it('runs past midnight when the end is before the start', () => {
    const nights = parseWindow('Mon-Fri 22:00-06:00');
    // Tuesday 2026-01-06 03:00 UTC: inside Monday's night.
    expect(windowState(nights, 'UTC', at('2026-01-06T03:00:00Z'))).toEqual({
      open: true,
      closesAt: at('2026-01-06T06:00:00Z'),
    });
    // Saturday 03:00: Friday's night is still on.
    expect(windowState(nights, 'UTC', at('2026-01-03T03:00:00Z'))).toEqual({
      open: true,
      closesAt: at('2026-01-03T06:00:00Z'),
    });
    // Sunday 03:00: no Saturday night; it opens Monday 22:00.
    expect(windowState(nights, 'UTC', at('2026-01-04T03:00:00Z'))).toEqual({
      open: false,
      opensAt: at('2026-01-05T22:00:00Z'),
    });
  });

  it('keeps local time across a daylight-saving change', () => {
    // Berlin moves to summer time on 2026-03-29 at 02:00 local (01:00 UTC).
    const daily = parseWindow('03:00-04:00');
    expect(windowState(daily, 'Europe/Berlin', at('2026-03-28T12:00:00Z'))).toEqual({
      open: false,
      opensAt: at('2026-03-29T01:00:00Z'),
    });
    expect(windowState(daily, 'Europe/Berlin', at('2026-03-29T12:00:00Z'))).toEqual({
      open: false,
      opensAt: at('2026-03-30T01:00:00Z'),
    });
    expect(windowState(daily, 'Europe/Berlin', at('2026-03-27T12:00:00Z'))).toEqual({
      open: false,
      opensAt: at('2026-03-28T02:00:00Z'),
    });
  });

  it('reads several ranges, whole days and full day names', () => {
    const window = parseWindow('Saturday 00:00-24:00; Wed 12:00-13:00');
    expect(windowState(window, 'UTC', at('2026-01-03T23:59:00Z'))).toEqual({
      open: true,
      closesAt: at('2026-01-04T00:00:00Z'),
    });
    expect(windowState(window, 'UTC', at('2026-01-04T00:00:00Z'))).toEqual({
      open: false,
      opensAt: at('2026-01-07T12:00:00Z'),
    });
  });

  it('with no days, means every day', () => {
    expect(windowState(parseWindow('03:00-04:00'), 'UTC', at('2026-01-06T05:00:00Z'))).toEqual({
      open: false,
      opensAt: at('2026-01-07T03:00:00Z'),
    });
  });

  it.each([
    ['', 'is empty'],
    ['Sat', 'is not a window'],
    ['Caturday 02:00-05:00', 'unknown day "Caturday"'],
    ['Sat 25:00-26:00', 'not on a clock'],
    ['Sat 02:60-03:00', 'not on a clock'],
    ['Sat 24:00-02:00', 'not on a clock'],
    ['Sat 02:00-02:00', 'starts when it ends'],
    ['Sat 2-5', 'is not a window'],
  ])('refuses %j', (text, message) => {
    expect(() => parseWindow(text)).toThrow(message);
  });
});

describe('cooldown', () => {
  const day = 86_400_000;
  it('waits until min-age after the first sighting', () => {
    expect(cooldown(3 * day, 1000, 1000 + day)).toEqual({ ready: false, until: 1000 + 3 * day, since: 1000 });
    expect(cooldown(3 * day, 1000, 1000 + 3 * day)).toEqual({ ready: true });
  });
  it('is always ready with no min-age', () => {
    expect(cooldown(0, 5000, 5000)).toEqual({ ready: true });
  });
  it('counts from a future build time as written (a builder clock ahead of ours)', () => {
    expect(cooldown(day, 10 * day, 9 * day)).toEqual({ ready: false, until: 11 * day, since: 10 * day });
  });
});
