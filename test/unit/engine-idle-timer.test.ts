import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startIdleTimer } from '../../src/engine/index.js';

describe('startIdleTimer (--pull-timeout)', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('fires once when nothing happened for the whole time', () => {
    const onIdle = vi.fn();
    startIdleTimer(1000, onIdle);
    vi.advanceTimersByTime(999);
    expect(onIdle).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(onIdle).toHaveBeenCalledOnce();
    vi.advanceTimersByTime(10_000);
    expect(onIdle).toHaveBeenCalledOnce();
  });

  it('counts the quiet time from the last touch, however many there were', () => {
    const onIdle = vi.fn();
    const timer = startIdleTimer(1000, onIdle);
    // Steady progress, slower than the limit in total but never quiet for a second.
    for (let step = 0; step < 50; step += 1) {
      vi.advanceTimersByTime(900);
      timer.touch();
    }
    expect(onIdle).not.toHaveBeenCalled();
    vi.advanceTimersByTime(999);
    expect(onIdle).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(onIdle).toHaveBeenCalledOnce();
  });

  it('arms one timer at a time, not one per touch', () => {
    const timer = startIdleTimer(1000, () => {});
    for (let touch = 0; touch < 1000; touch += 1) timer.touch();
    expect(vi.getTimerCount()).toBe(1);
    timer.stop();
  });

  it('never fires once stopped', () => {
    const onIdle = vi.fn();
    const timer = startIdleTimer(1000, onIdle);
    vi.advanceTimersByTime(500);
    timer.stop();
    timer.stop();
    vi.advanceTimersByTime(5000);
    expect(onIdle).not.toHaveBeenCalled();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('reads time from the clock it is given', () => {
    let now = 0;
    const onIdle = vi.fn();
    const timer = startIdleTimer(1000, onIdle, () => now);
    now = 800;
    timer.touch();
    now = 1000;
    vi.advanceTimersByTime(1000); // fires early: only 200 ms quiet by the clock, so it re-arms
    expect(onIdle).not.toHaveBeenCalled();
    now = 1800;
    vi.advanceTimersByTime(800);
    expect(onIdle).toHaveBeenCalledOnce();
  });
});
