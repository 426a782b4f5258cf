import type { ContainerLabels, Settings, Strategy } from '../config/index.js';
import type { VerifyPolicy } from './verify.js';

/** How one container is updated: what its labels say, else the global settings. */
export interface ContainerUpdateSettings {
  readonly strategy: Strategy;
  readonly drainMs: number;
  readonly stopTimeoutMs: number;
  readonly stopSignal: string | undefined;
  readonly verify: VerifyPolicy;
}

/**
 * A container's labels over the settings, for everything that decides how it is replaced
 * (strategy, drain, stop, verification): one place, so an update and a manual rollback of the same
 * container go the same way.
 */
export function updateSettingsFor(
  labels: ContainerLabels,
  settings: Readonly<Settings>,
): ContainerUpdateSettings {
  return {
    // A proxy in front is there for start-first's switch: it is the default unless a label says otherwise.
    strategy: labels.strategy ?? (labels.proxy ? 'start-first' : settings.strategy),
    drainMs: labels.drainMs ?? settings.drainMs,
    stopTimeoutMs: settings.stopTimeoutMs,
    stopSignal: labels.stopSignal,
    verify: {
      timeoutMs: labels.verify.timeoutMs ?? settings.verifyTimeoutMs,
      windowMs: labels.verify.windowMs ?? settings.verifyWindowMs,
      command: labels.verify.command,
      httpUrl: labels.verify.httpUrl,
    },
  };
}
