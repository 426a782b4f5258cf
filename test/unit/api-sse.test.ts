import { describe, expect, it } from 'vitest';
import { EventLog } from '../../src/api/sse.js';
import type { TidewatchEvent } from '../../src/events/index.js';

const event = (checked: number): TidewatchEvent => ({
  type: 'check-finished',
  trigger: 'api',
  checked,
  updated: 0,
  failed: 0,
  durationMs: 1,
});

describe('EventLog', () => {
  it('gives increasing ids that start at its creation time, so they grow across restarts', () => {
    let now = 1_000_000;
    const log = new EventLog(() => now, 10);
    const first = log.append(event(1));
    now += 5;
    const second = log.append(event(2));
    expect(first.id).toBe(1_000_000);
    expect(second.id).toBe(1_000_001);
    expect(second.at).toBe(1_000_005);
    expect(new EventLog(() => now + 1).append(event(3)).id).toBeGreaterThan(second.id);
  });

  it('replays what came after Last-Event-ID', () => {
    const log = new EventLog(() => 100, 10);
    const ids = [1, 2, 3, 4].map((n) => log.append(event(n)).id);
    expect(log.since(ids[1] ?? 0)).toEqual({
      events: [expect.objectContaining({ id: ids[2] }), expect.objectContaining({ id: ids[3] })],
      gap: false,
    });
    expect(log.since(ids[3] ?? 0)).toEqual({ events: [], gap: false });
  });

  it('says there is a gap when the events after Last-Event-ID are no longer kept', () => {
    const log = new EventLog(() => 100, 3);
    const ids = [1, 2, 3, 4, 5].map((n) => log.append(event(n)).id);
    const replay = log.since(ids[0] ?? 0);
    expect(replay.gap).toBe(true);
    expect(replay.events.map((entry) => entry.id)).toEqual(ids.slice(2));
    // The oldest kept id minus one is exactly up to date with what is kept: no gap.
    expect(log.since(ids[1] ?? 0).gap).toBe(false);
  });

  it('says there is a gap to a client from before a restart, even before any event', () => {
    const log = new EventLog(() => 500, 3);
    expect(log.since(10).gap).toBe(true);
    expect(log.since(499).gap).toBe(false);
  });

  it('tells subscribers of each new event until they leave', () => {
    const log = new EventLog(() => 1, 3);
    const heard: number[] = [];
    const leave = log.subscribe((entry) => heard.push(entry.id));
    log.append(event(1));
    leave();
    log.append(event(2));
    expect(heard).toEqual([1]);
  });
});
