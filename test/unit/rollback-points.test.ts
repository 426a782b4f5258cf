import { describe, expect, it } from 'vitest';
import { imagesToRemove } from '../../src/updater/rollback-points.js';

describe('imagesToRemove', () => {
  it.each([
    [['a', 'b', 'c'], 'new', 2, ['c']],
    [['a', 'b', 'c'], 'new', 0, ['a', 'b', 'c']],
    [['a', 'a', 'b'], 'new', 1, ['b']],
    [['a', 'new', 'b'], 'new', 1, ['b']],
    [[], 'new', 2, []],
  ])('%j, running %s, keeping %d → %j', (previous, current, keep, expected) => {
    expect(imagesToRemove(previous, current, keep)).toEqual(expected);
  });
});
