import type { Engine, PullAuth, PullProgress } from '../engine/index.js';
import type { EventBus, TidewatchEvent } from '../events/index.js';
import type { UpdateRecord } from '../store/index.js';
import { shortDigest } from './format.js';

/** `tidewatch once` on a terminal: a line per container as the cycle goes, then a summary. */
export interface OnceProgress {
  /** The engine to run the cycle with: its pulls report their bytes to the pulling line. */
  readonly engine: Engine;
  /** Prints the summary line and stops listening. */
  finish(): void;
}

// The pulling line is rewritten in place at most this often: a terminal need not redraw per chunk.
const REDRAW_MS = 100;
// Back to the line's start and clear it (ECMA-48 EL): the pulling line is redrawn where it is.
const REDRAW = '\r\x1b[2K';

/** Bytes as people read them: `512 B`, `3.1 MB`. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return unit === 0 ? `${value} ${units[0]}` : `${value.toFixed(1)} ${units[unit]}`;
}

function checkedLine(event: Extract<TidewatchEvent, { type: 'container-checked' }>): string {
  switch (event.status) {
    case 'current':
      return 'up to date';
    case 'update-available': {
      const to = event.latestTag ?? shortDigest(event.latestDigest);
      const waiting = event.waitingFor === undefined ? '' : `, waiting for ${event.waitingFor.kind}`;
      return `update available: ${to}${waiting}`;
    }
    case 'skipped':
      return `skipped${event.reason === undefined ? '' : `: ${event.reason}`}`;
    case 'unknown':
      return `could not check${event.reason === undefined ? '' : `: ${event.reason}`}`;
  }
}

/** What an update step says on its own line; undefined for the steps the terminal does not show. */
function stepLine(update: UpdateRecord): string | undefined {
  const why = update.reason === null ? '' : `: ${update.reason}`;
  switch (update.state) {
    case 'verifying':
      return 'verifying';
    case 'committed':
      // A new tag says most; the same tag moved says it by its digest.
      return `committed (${update.toTag !== null && update.toTag !== update.fromTag ? update.toTag : shortDigest(update.toDigest)})`;
    case 'rolled-back':
      return `rolled back${why}`;
    case 'failed':
      return `failed${why}`;
    case 'planned':
    case 'pulled':
    case 'old-renamed':
    case 'new-created':
    case 'new-started':
      return undefined;
  }
}

/**
 * Follows one cycle's events and pulls, writing what happens to each container as it happens. A
 * pull is one line redrawn with its bytes, named by the container whose checked digest it pulls.
 */
export function onceProgress(
  engine: Engine,
  events: EventBus,
  write: (text: string) => void,
  now: () => number = Date.now,
): OnceProgress {
  const started = now();
  // The checked digest each container with an update moves to: a pull of `name@digest` is theirs.
  const digests = new Map<string, string>();
  let rolledBack = 0;
  let finished: Extract<TidewatchEvent, { type: 'check-finished' }> | undefined;
  let open: { readonly label: string; text: string; drawnAt: number } | undefined;

  const line = (container: string, text: string): void => {
    closePull();
    write(`${container}: ${text}\n`);
  };
  const drawPull = (force: boolean): void => {
    if (open === undefined) return;
    if (!force && now() - open.drawnAt < REDRAW_MS) return;
    open.drawnAt = now();
    write(`${REDRAW}${open.label}: ${open.text}`);
  };
  function closePull(): void {
    if (open === undefined) return;
    drawPull(true);
    write('\n');
    open = undefined;
  }
  const labelOf = (reference: string): string => {
    for (const [container, digest] of digests) {
      if (reference.endsWith(`@${digest}`)) return container;
    }
    return reference;
  };

  const unsubscribe = events.subscribe((event) => {
    switch (event.type) {
      case 'check-started':
        write(`checking ${event.names.length > 0 ? event.names.join(', ') : 'every container in scope'}\n`);
        return;
      case 'container-checked':
        if (event.status === 'update-available' && event.latestDigest !== undefined) {
          digests.set(event.container, event.latestDigest);
        }
        line(event.container, checkedLine(event));
        return;
      case 'update-skipped':
        line(event.container, `not updated: ${event.reason}`);
        return;
      case 'update-step': {
        if (event.update.state === 'rolled-back') rolledBack += 1;
        const text = stepLine(event.update);
        if (text !== undefined) line(event.update.containerName, text);
        return;
      }
      case 'check-finished':
        finished = event;
        return;
      case 'approval-needed':
        line(event.container, 'waits for approval');
        return;
      case 'fleet-rollout-halted':
        return;
    }
  });

  const pullImage = async (
    reference: string,
    auth: PullAuth | undefined,
    signal?: AbortSignal,
    onProgress?: (progress: PullProgress) => void,
  ): Promise<void> => {
    closePull();
    const label = labelOf(reference);
    const name = reference.replace(/@sha256:([0-9a-f]{12})[0-9a-f]*$/, '@sha256:$1');
    open = { label, text: `pulling ${name}`, drawnAt: 0 };
    drawPull(true);
    let last: PullProgress | undefined;
    try {
      await engine.pullImage(reference, auth, signal, (progress) => {
        onProgress?.(progress);
        if (open === undefined) return;
        // The first count is drawn at once: a fast pull still shows its size as it goes.
        const first = last === undefined;
        last = progress;
        open.text = `pulling ${name}  ${formatBytes(progress.current)} of ${formatBytes(progress.total)}`;
        drawPull(first);
      });
      if (open !== undefined)
        open.text = `pulled ${name}${last === undefined ? '' : `  ${formatBytes(last.total)}`}`;
    } finally {
      closePull();
    }
  };

  // Every other method is the engine's own, bound to it.
  const wrapped = new Proxy(engine, {
    get(target, property, receiver): unknown {
      if (property === 'pullImage') return pullImage;
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });

  return {
    engine: wrapped,
    finish(): void {
      closePull();
      unsubscribe();
      const seconds = ((finished?.durationMs ?? now() - started) / 1000).toFixed(1);
      const counts =
        finished === undefined
          ? 'no cycle ran'
          : `${finished.checked} checked, ${finished.updated} updated, ${rolledBack} rolled back, ${finished.failed} failed`;
      write(`done in ${seconds} s: ${counts}\n`);
    },
  };
}
