/**
 * How a container is swapped for its new version. `stop-first` stops the old container, then
 * starts the new one (what Watchtower did: safe with fixed host ports, a short downtime);
 * `start-first` starts and verifies the new one while the old still runs, then stops the old after
 * the drain period; `auto` lets the updater choose start-first when the container can run twice
 * side by side, stop-first otherwise.
 */
export const STRATEGIES = ['stop-first', 'start-first', 'auto'] as const;
export type Strategy = (typeof STRATEGIES)[number];

export function isStrategy(value: string): value is Strategy {
  return (STRATEGIES as readonly string[]).includes(value);
}
