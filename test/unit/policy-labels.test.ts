import { describe, expect, it } from 'vitest';
import { loadSettings, readPolicyLabels } from '../../src/config/index.js';
import { effectivePolicy } from '../../src/pipeline/index.js';

describe('policy labels', () => {
  it('are all optional', () => {
    expect(readPolicyLabels({ 'tidewatch.policy': '  ' })).toEqual({});
  });

  it('reads every label', () => {
    const labels = readPolicyLabels({
      'tidewatch.policy': 'semver:~1.4',
      'tidewatch.tags.include': '^1\\.',
      'tidewatch.tags.exclude': '-rc',
      'tidewatch.min-age': '3d',
      'tidewatch.min-age.from': 'created',
      'tidewatch.window': 'Sat,Sun 02:00-05:00',
      'tidewatch.timezone': 'Europe/Berlin',
      'tidewatch.approve': '2',
      'tidewatch.approve.deadline': '12h',
      'tidewatch.schedule': '0 0 3 * * *',
    });
    expect(labels).toMatchObject({
      policy: { kind: 'semver', range: '~1.4' },
      minAgeMs: 3 * 86_400_000,
      minAgeFrom: 'created',
      window: { text: 'Sat,Sun 02:00-05:00' },
      timeZone: 'Europe/Berlin',
      approvals: 2,
      approvalDeadlineMs: 12 * 3_600_000,
      schedule: '0 0 3 * * *',
    });
    expect(labels.include?.test('1.2')).toBe(true);
    expect(labels.exclude?.test('1.2-rc1')).toBe(true);
  });

  it.each([
    ['true', 1],
    ['false', 0],
    ['3', 3],
  ])('tidewatch.approve=%s is %d votes', (value, votes) => {
    expect(readPolicyLabels({ 'tidewatch.approve': value }).approvals).toBe(votes);
  });

  it.each([
    [{ 'tidewatch.policy': 'newest' }, 'label tidewatch.policy="newest" is not a policy'],
    [{ 'tidewatch.tags.include': '(a' }, 'label tidewatch.tags.include="(a" is not an RE2 pattern'],
    [{ 'tidewatch.min-age': 'soon' }, 'label tidewatch.min-age="soon" must be a duration'],
    [{ 'tidewatch.min-age.from': 'birth' }, 'must be seen or created'],
    [{ 'tidewatch.window': 'weekends' }, 'label tidewatch.window="weekends" is not a window'],
    [{ 'tidewatch.timezone': 'Mars/Olympus' }, 'is not a time zone'],
    [{ 'tidewatch.approve': 'maybe' }, 'must be true, false or a number of votes'],
    [{ 'tidewatch.approve': '101' }, 'from 1 to 100'],
    [{ 'tidewatch.schedule': '0 3 * * *' }, 'has 5 fields; a schedule has 6'],
  ])('refuses %j', (labels, message) => {
    expect(() => readPolicyLabels(labels)).toThrow(message);
  });

  it('win over the options; window=always drops the global window; 0 turns a global min-age off', () => {
    const settings = loadSettings(
      { policy: 'minor', window: 'Sat 02:00-05:00', minAge: '1d', approve: 'true', timezone: 'UTC' },
      {},
    );
    expect(effectivePolicy({}, settings)).toMatchObject({
      policy: { kind: 'minor' },
      window: { text: 'Sat 02:00-05:00' },
      minAgeMs: 86_400_000,
      approvals: 1,
      approvalDeadlineMs: 7 * 86_400_000,
      timezone: 'UTC',
    });
    const own = effectivePolicy(
      readPolicyLabels({
        'tidewatch.policy': 'patch',
        'tidewatch.window': 'always',
        'tidewatch.min-age': '0',
        'tidewatch.approve': 'false',
      }),
      settings,
    );
    expect(own).toMatchObject({ policy: { kind: 'patch' }, window: undefined, minAgeMs: 0, approvals: 0 });
  });

  it('bad options stop Tidewatch naming the flag or variable', () => {
    expect(() => loadSettings({ policy: 'semver:>>1' }, {})).toThrow(
      '--policy: "semver:>>1" has no valid semver range',
    );
    expect(() => loadSettings({}, { TIDEWATCH_WINDOW: 'Sat' })).toThrow(
      'TIDEWATCH_WINDOW: "Sat" is not a window',
    );
    expect(() => loadSettings({}, { TIDEWATCH_TIMEZONE: 'Nowhere/City' })).toThrow('TIDEWATCH_TIMEZONE');
    expect(() => loadSettings({ approve: 'lots' }, {})).toThrow('--approve');
    expect(() => loadSettings({}, { TIDEWATCH_MIN_AGE_FROM: 'x' })).toThrow('TIDEWATCH_MIN_AGE_FROM');
  });
});
