import type { Engine } from '../engine/index.js';
import { LOG_LINES } from '../store/index.js';

/** The old container waits under `<name>-tidewatch-old-<time>` until the new one has taken over. */
const PARKED_INFIX = '-tidewatch-old-';

export function parkedNameFor(name: string, now: number = Date.now()): string {
  return `${name}${PARKED_INFIX}${now.toString(36)}`;
}

/** Whether `candidate` is `name` itself or a parked copy of it. */
export function isNameOrParkedCopy(candidate: string, name: string): boolean {
  return candidate === name || candidate.startsWith(`${name}${PARKED_INFIX}`);
}

/** The failed new container's last log lines, for the rollback record; empty when unreadable. */
export function lastLogLines(engine: Engine, id: string): Promise<string> {
  return engine.containerLogs(id, LOG_LINES).catch(() => '');
}
