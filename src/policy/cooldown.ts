/**
 * Where a candidate's age is counted from:
 * - `seen`: the first time Tidewatch saw that digest in the repository (kept in the store), so an
 *   image pushed with an old build date still waits the whole cooldown
 * - `created`: the `created` time in the image's config, as its builder wrote it
 */
export const MIN_AGE_SOURCES = ['seen', 'created'] as const;
export type MinAgeSource = (typeof MIN_AGE_SOURCES)[number];

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
