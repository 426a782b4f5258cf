import { describe, expect, it } from 'vitest';
import { formatBytes } from '../../src/cli/once-progress.js';
import { pullTally, type PullStreamEvent } from '../../src/engine/pull-progress.js';

describe('pullTally', () => {
  it('sums the layers the engine reports, a completed one at its full size', () => {
    const tally = pullTally();
    const events: PullStreamEvent[] = [
      { status: 'Pulling from app', id: '1' },
      { status: 'Pulling fs layer', id: 'a' },
      { status: 'Already exists', id: 'b' },
      { status: 'Downloading', id: 'a', progressDetail: { current: 100, total: 1000 } },
      { status: 'Downloading', id: 'c', progressDetail: { current: 10, total: 50 } },
      { status: 'Download complete', id: 'c' },
      { status: 'Downloading', id: 'a', progressDetail: { current: 600, total: 1000 } },
      { status: 'Extracting', id: 'a', progressDetail: { current: 10, total: 1000 } },
      { status: 'Pull complete', id: 'a' },
      { status: 'Digest: sha256:00' },
    ];
    expect(events.map((event) => tally(event))).toEqual([
      undefined,
      undefined,
      undefined,
      { current: 100, total: 1000, layers: 1 },
      { current: 110, total: 1050, layers: 2 },
      { current: 150, total: 1050, layers: 2 },
      { current: 650, total: 1050, layers: 2 },
      // Extracting: the download is done, whatever extraction's own count says.
      { current: 1050, total: 1050, layers: 2 },
      undefined,
      undefined,
    ]);
  });

  it('ignores a download line without a size', () => {
    expect(pullTally()({ status: 'Downloading', id: 'a', progressDetail: {} })).toBeUndefined();
  });
});

describe('formatBytes', () => {
  it.each([
    [0, '0 B'],
    [999, '999 B'],
    [1000, '1.0 kB'],
    [8_400_000, '8.4 MB'],
    [2_500_000_000, '2.5 GB'],
  ])('%d is %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });
});
