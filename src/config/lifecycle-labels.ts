import { TidewatchError } from '../domain/errors.js';

/** The four moments a container's own commands can run at, as Watchtower named them. */
export const HOOK_PHASES = ['pre-check', 'pre-update', 'post-update', 'post-check'] as const;
export type HookPhase = (typeof HOOK_PHASES)[number];

export interface LifecycleHook {
  /** Run with `sh -c` inside the container. */
  readonly command: string;
  /** 0 means no limit. */
  readonly timeoutMs: number;
}

export type LifecycleHooks = Readonly<Partial<Record<HookPhase, LifecycleHook>>>;

/** Watchtower's default: a minute for each hook. */
export const DEFAULT_HOOK_TIMEOUT_MS = 60_000;

const PREFIXES = ['tidewatch.lifecycle.', 'com.centurylinklabs.watchtower.lifecycle.'];

/**
 * Reads `tidewatch.lifecycle.<phase>` (or Watchtower's name) and its `<phase>-timeout` in minutes,
 * as Watchtower had them. A malformed timeout throws one line naming the label.
 */
export function readLifecycleHooks(labels: Readonly<Record<string, string>>): LifecycleHooks {
  const hooks: Partial<Record<HookPhase, LifecycleHook>> = {};
  for (const phase of HOOK_PHASES) {
    const command = firstLabel(labels, phase);
    if (command === undefined || command.value.trim() === '') continue;
    const timeout = firstLabel(labels, `${phase}-timeout`);
    let timeoutMs = DEFAULT_HOOK_TIMEOUT_MS;
    if (timeout !== undefined) {
      const minutes = Number(timeout.value.trim());
      if (timeout.value.trim() === '' || !Number.isFinite(minutes) || minutes < 0) {
        throw new TidewatchError(
          'invalid-label',
          `label ${timeout.key}="${timeout.value}" must be a number of minutes (0 for no limit)`,
        );
      }
      timeoutMs = Math.round(minutes * 60_000);
    }
    hooks[phase] = { command: command.value, timeoutMs };
  }
  return hooks;
}

function firstLabel(
  labels: Readonly<Record<string, string>>,
  name: string,
): { key: string; value: string } | undefined {
  for (const prefix of PREFIXES) {
    const value = labels[prefix + name];
    if (value !== undefined) return { key: prefix + name, value };
  }
  return undefined;
}
