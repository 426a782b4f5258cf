import type { Engine } from '../engine/index.js';
import { LOG_LINES } from '../store/index.js';

/** The old container waits under `<name>-tidewatch-old-<time>` until the new one has taken over. */
const PARKED_INFIX = '-tidewatch-old-';
/** A start-first successor runs as `<name>-tidewatch-new-<time>` beside the original until it takes over. */
const STARTING_INFIX = '-tidewatch-new-';

/** Either copy: `<name><infix><time in base 36>`. */
const COPY = new RegExp(`^(.+)(${PARKED_INFIX}|${STARTING_INFIX})([0-9a-z]+)$`);

export interface CopyName {
  /** The container it is a copy of. */
  readonly of: string;
  /** `old`: the parked original; `new`: its successor. */
  readonly role: 'old' | 'new';
  /** Epoch ms from its name: when it was made. */
  readonly madeAt: number;
}

/** Whose copy `name` is, which, and when it was made; undefined for an ordinary container. */
export function copyOf(name: string): CopyName | undefined {
  const [, of, infix, time] = COPY.exec(name) ?? [];
  if (of === undefined || time === undefined) return undefined;
  return { of, role: infix === PARKED_INFIX ? 'old' : 'new', madeAt: Number.parseInt(time, 36) };
}

/** Whether a container is one of Tidewatch's own parked or temporary copies, never an ordinary one. */
export function isTidewatchCopy(name: string): boolean {
  return copyOf(name) !== undefined;
}

export function parkedNameFor(name: string, now: number = Date.now()): string {
  return `${name}${PARKED_INFIX}${now.toString(36)}`;
}

export function startingNameFor(name: string, now: number = Date.now()): string {
  return `${name}${STARTING_INFIX}${now.toString(36)}`;
}

export function isStartingCopy(candidate: string, name: string): boolean {
  const copy = copyOf(candidate);
  return copy?.role === 'new' && copy.of === name;
}

/** The failed new container's last log lines, for the rollback record; empty when unreadable. */
export function lastLogLines(engine: Engine, id: string): Promise<string> {
  return engine.containerLogs(id, LOG_LINES).catch(() => '');
}
