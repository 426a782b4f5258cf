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
 * as Watchtower had them. Every timeout label is checked, with or without its command (a timeout
 * set for a command still to come is as wrong then): a malformed or negative one throws one line
 * naming the label. An empty one is no label, as for the other labels.
 */
export function readLifecycleHooks(labels: Readonly<Record<string, string>>): LifecycleHooks {
  const hooks: Partial<Record<HookPhase, LifecycleHook>> = {};
  for (const phase of HOOK_PHASES) {
    const timeoutMs = hookTimeoutMs(labels, phase);
    const command = firstLabel(labels, phase);
    if (command === undefined || command.value.trim() === '') continue;
    hooks[phase] = { command: command.value, timeoutMs };
  }
  return hooks;
}

/** Minutes, as Watchtower read them (a fraction is fine); Watchtower's 1 minute when unset. */
function hookTimeoutMs(labels: Readonly<Record<string, string>>, phase: HookPhase): number {
  const timeout = firstLabel(labels, `${phase}-timeout`);
  const value = timeout?.value.trim() ?? '';
  if (timeout === undefined || value === '') return DEFAULT_HOOK_TIMEOUT_MS;
  if (!/^\d+(?:\.\d+)?$/.test(value)) {
    throw new TidewatchError(
      'invalid-label',
      `label ${timeout.key}="${timeout.value}" must be a number of minutes (0 for no limit)`,
    );
  }
  return Math.round(Number(value) * 60_000);
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
