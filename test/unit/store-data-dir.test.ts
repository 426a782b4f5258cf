import { describe, expect, it } from 'vitest';
import { TidewatchError } from '../../src/domain/index.js';
import { isInContainer, resolveDataDir, type DataDirInput } from '../../src/store/index.js';

const user: DataDirInput = { env: { HOME: '/home/ann' }, uid: 1000, inContainer: false };

describe('resolveDataDir', () => {
  it.each<[string, DataDirInput, string]>([
    ['the flag', { ...user, flag: '/srv/tw' }, '/srv/tw'],
    [
      'the flag over the variable',
      { ...user, flag: '/srv/a', env: { TIDEWATCH_DATA_DIR: '/srv/b' } },
      '/srv/a',
    ],
    ['the variable', { ...user, env: { TIDEWATCH_DATA_DIR: '/srv/b' } }, '/srv/b'],
    ['the variable in a container', { ...user, inContainer: true, env: { TIDEWATCH_DATA_DIR: '/x' } }, '/x'],
    ['a relative flag against cwd', { ...user, flag: 'state', cwd: '/opt/tw' }, '/opt/tw/state'],
    ['an empty flag as unset', { ...user, flag: '', env: { TIDEWATCH_DATA_DIR: '/srv/b' } }, '/srv/b'],
    [
      'an empty variable as unset',
      { ...user, env: { TIDEWATCH_DATA_DIR: ' ', HOME: '/h' } },
      '/h/.local/state/tidewatch',
    ],
    ['/data in a container', { ...user, inContainer: true }, '/data'],
    ['/data in a container, as root', { env: {}, uid: 0, inContainer: true }, '/data'],
    ['/var/lib for root', { env: { HOME: '/root' }, uid: 0, inContainer: false }, '/var/lib/tidewatch'],
    ['XDG_STATE_HOME for a user', { ...user, env: { XDG_STATE_HOME: '/xdg', HOME: '/h' } }, '/xdg/tidewatch'],
    ['~/.local/state for a user', user, '/home/ann/.local/state/tidewatch'],
    [
      '~ when XDG_STATE_HOME is relative',
      { ...user, env: { XDG_STATE_HOME: 'st', HOME: '/h' } },
      '/h/.local/state/tidewatch',
    ],
  ])('takes %s', (_name, input, expected) => {
    expect(resolveDataDir(input)).toBe(expected);
  });

  it('says what to do when nothing gives a directory', () => {
    const call = (): string => resolveDataDir({ env: {}, uid: 1000, inContainer: false });
    expect(call).toThrow(TidewatchError);
    expect(call).toThrow(/--data-dir or set TIDEWATCH_DATA_DIR/);
  });
});

describe('isInContainer', () => {
  it.each([
    [['/.dockerenv'], true],
    [['/run/.containerenv'], true],
    [[], false],
  ])('with %j present: %s', (present, expected) => {
    expect(isInContainer((path) => present.includes(path))).toBe(expected);
  });
});
