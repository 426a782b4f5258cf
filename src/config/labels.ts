import { TidewatchError } from '../domain/errors.js';
import { readLifecycleHooks, type LifecycleHooks } from './lifecycle-labels.js';
import { readProxyLabels, type ProxyLabels } from './proxy-labels.js';
import { parseSignal } from './signals.js';
import type { Strategy } from './strategy.js';
import { readVerifyLabels, type VerifyLabels } from './verify-labels.js';

/**
 * A container's Tidewatch settings from its labels. Each label has Tidewatch's name and
 * Watchtower's (`com.centurylinklabs.watchtower.*`); the Tidewatch one wins when both are set.
 */
export interface ContainerLabels {
  /** undefined: no label; the global --label-enable decides. */
  readonly enable: boolean | undefined;
  readonly monitorOnly: boolean;
  readonly noPull: boolean;
  readonly scope: string | undefined;
  readonly stopSignal: string | undefined;
  /** Names of containers this one depends on (comma separated in the label). */
  readonly dependsOn: readonly string[];
  /** This container is a Tidewatch (or Watchtower) instance. */
  readonly isUpdater: boolean;
  /** Commands to run inside the container around checks and updates (with --enable-lifecycle-hooks). */
  readonly hooks: LifecycleHooks;
  /** How its new version is verified; each field unset means the global setting (Tidewatch labels only). */
  readonly verify: VerifyLabels;
  /** `tidewatch.strategy`; undefined: the global --strategy. */
  readonly strategy?: Strategy | undefined;
  /** `tidewatch.drain`; undefined: the global --drain. */
  readonly drainMs?: number | undefined;
  /** `tidewatch.stop-timeout`; undefined: its own StopTimeout, else --stop-timeout. */
  readonly stopTimeoutMs?: number | undefined;
  /** `tidewatch.proxy*`: the proxy a start-first update switches; undefined: none. */
  readonly proxy?: ProxyLabels | undefined;
}

const TIDEWATCH = 'tidewatch.';
const WATCHTOWER = 'com.centurylinklabs.watchtower.';

function label(
  labels: Readonly<Record<string, string>>,
  name: string,
): { key: string; value: string } | undefined {
  for (const prefix of [TIDEWATCH, WATCHTOWER]) {
    const key = prefix + name;
    const value = labels[key];
    if (value !== undefined) return { key, value: value.trim() };
  }
  return undefined;
}

function booleanLabel(labels: Readonly<Record<string, string>>, name: string): boolean | undefined {
  const found = label(labels, name);
  if (found === undefined) return undefined;
  const value = found.value.toLowerCase();
  if (value === 'true' || value === '1' || value === 'yes') return true;
  if (value === 'false' || value === '0' || value === 'no') return false;
  throw new TidewatchError('invalid-label', `label ${found.key}="${found.value}" must be true or false`);
}

/**
 * The scope label alone. Scope decides whether a container belongs to this instance at all, so it
 * is read before (and without) the other labels: a bad label on another scope's container is not
 * this instance's business.
 */
export function readScopeLabel(labels: Readonly<Record<string, string>>): string | undefined {
  const scope = label(labels, 'scope')?.value;
  return scope === '' ? undefined : scope;
}

/** The depends-on label alone: container names, comma separated, a leading slash tolerated. */
export function readDependsOnLabel(labels: Readonly<Record<string, string>>): string[] {
  return (label(labels, 'depends-on')?.value ?? '')
    .split(',')
    .map((name) => name.trim().replace(/^\//, ''))
    .filter((name) => name !== '');
}

/** The stop-signal label, in the form the engine is sent it; one the engine would refuse throws. */
function stopSignalLabel(labels: Readonly<Record<string, string>>): string | undefined {
  const found = label(labels, 'stop-signal');
  if (found === undefined || found.value === '') return undefined;
  const signal = parseSignal(found.value);
  if (signal === undefined) {
    throw new TidewatchError(
      'invalid-label',
      `label ${found.key}="${found.value}" is not a signal name the engine accepts, such as SIGTERM, SIGQUIT, SIGRTMIN+3 or 15`,
    );
  }
  return signal;
}

/**
 * Reads the labels; a malformed value throws one line naming the label and the cause. Every value
 * is checked here, before any registry request or pull, so a label the engine would refuse at the
 * update (a stop signal it does not know) makes the container `unknown` instead of a rollback.
 */
export function readContainerLabels(labels: Readonly<Record<string, string>>): ContainerLabels {
  const stopSignal = stopSignalLabel(labels);
  const dependsOn = readDependsOnLabel(labels);
  return {
    enable: booleanLabel(labels, 'enable'),
    monitorOnly: booleanLabel(labels, 'monitor-only') ?? false,
    noPull: booleanLabel(labels, 'no-pull') ?? false,
    scope: readScopeLabel(labels),
    stopSignal,
    dependsOn,
    isUpdater: booleanLabel(labels, 'self') === true || labels['com.centurylinklabs.watchtower'] === 'true',
    hooks: readLifecycleHooks(labels),
    ...readVerifyLabels(labels),
    proxy: readProxyLabels(labels),
  };
}
