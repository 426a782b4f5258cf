import { describe, expect, it } from 'vitest';
import { updateKind } from '../../src/policy/index.js';

describe('updateKind', () => {
  it.each([
    [undefined, undefined, 'digest'],
    ['latest', 'latest', 'digest'],
    ['1.4.2', '1.4.2', 'digest'],
    ['1.4.2', '2.0.0', 'major'],
    ['1.4.2', '1.5.0', 'minor'],
    ['1.4.2', '1.4.3', 'patch'],
    ['v1.4', 'v1.5', 'minor'],
    ['1.2.3.4', '1.2.3.5', 'patch'],
    ['1.4-alpine', '1.5-alpine', 'minor'],
    ['1.4.2-rc.1', '1.4.2', 'patch'],
    ['2024.10.1', '2024.11.0', 'tag'],
    ['20240101', '20240201', 'tag'],
    ['stable', 'edge', 'tag'],
  ] as const)('%s → %s is %s', (from, to, kind) => {
    expect(updateKind(from, to)).toBe(kind);
  });
});
