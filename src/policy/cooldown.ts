import { MIN_AGE_SOURCES, type MinAgeSource } from '../domain/run.js';

export { MIN_AGE_SOURCES, type MinAgeSource };

export function isMinAgeSource(text: string): text is MinAgeSource {
  return (MIN_AGE_SOURCES as readonly string[]).includes(text);
}

export type CooldownDecision =
  { readonly ready: true } | { readonly ready: false; readonly until: number; readonly since: number };

/**
 * Whether a candidate is old enough: `since` (epoch ms, from the source above) plus `minAgeMs` has
 * passed at `now`. Pure.
 */
export function cooldown(minAgeMs: number, since: number, now: number): CooldownDecision {
  if (minAgeMs <= 0) return { ready: true };
  const until = since + minAgeMs;
  return now >= until ? { ready: true } : { ready: false, until, since };
}
