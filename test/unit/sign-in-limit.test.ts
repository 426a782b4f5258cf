import { describe, expect, it } from 'vitest';
import { SignInLimit } from '../../src/api/sign-in-limit.js';

describe('sign-in limit', () => {
  it('lets ten attempts a minute through per address, then says how long to wait', () => {
    let now = 1_000_000;
    const limit = new SignInLimit(() => now);
    for (let i = 0; i < 10; i += 1) {
      expect(limit.attempt('10.0.0.1')).toBeUndefined();
      now += 1000;
    }
    // The first attempt was 10 s ago: it leaves the window in 50 s.
    expect(limit.attempt('10.0.0.1')).toBe(50);
    // Another address has its own allowance.
    expect(limit.attempt('10.0.0.2')).toBeUndefined();
    // Refused attempts do not count: once the oldest has aged out, one more goes through.
    now += 50_000;
    expect(limit.attempt('10.0.0.1')).toBeUndefined();
    expect(limit.attempt('10.0.0.1')).toBe(1);
  });
});
