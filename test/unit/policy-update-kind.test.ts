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
    ['2024.10.1', '2024.11.0', 'date'],
    ['2024.10.1', '2024.10.2', 'patch'],
    ['20240101', '20240201', 'date'],
    ['2025-08-05', '2025-09-01', 'date'],
    ['2025-08-05', '2025-08-05-1', 'patch'],
    ['20.04', '22.04', 'date'],
    ['22.04.1', '22.04.2', 'patch'],
    ['1.2.3-alpha1', '1.2.3-beta1', 'prerelease'],
    ['3.13.0rc1', '3.13.0rc2', 'prerelease'],
    ['3.13.0rc2', '3.13.0', 'patch'],
    ['2.5.0p13', '2.5.0p14', 'patch'],
    ['1.43.3.10896-cb3ebc72d', '1.43.3.10897-abcdef123', 'patch'],
    ['1.43.3', '2024.10.1', 'tag'],
    ['stable', 'edge', 'tag'],
  ] as const)('%s → %s is %s', (from, to, kind) => {
    expect(updateKind(from, to)).toBe(kind);
  });
});
