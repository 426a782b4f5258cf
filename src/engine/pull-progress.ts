import type { PullProgress } from './engine.js';

/** One line of the engine's pull progress stream, as far as the byte count goes. */
export interface PullStreamEvent {
  readonly id?: string;
  readonly status?: string;
  readonly progressDetail?: { readonly current?: number; readonly total?: number };
}

// A layer in one of these is all downloaded (or was already here: it counts for nothing).
const DOWNLOADED = new Set(['Download complete', 'Verifying Checksum', 'Extracting', 'Pull complete']);

/**
 * Sums the engine's per-layer download progress into one count of bytes. The engine reports each
 * layer on its own (`Downloading` with `progressDetail`); a layer whose download the stream skips
 * (a small one) is counted when it completes only if its size was seen before.
 */
export function pullTally(): (event: PullStreamEvent) => PullProgress | undefined {
  const layers = new Map<string, { current: number; total: number }>();
  const sum = (): PullProgress => {
    let current = 0;
    let total = 0;
    for (const layer of layers.values()) {
      current += layer.current;
      total += layer.total;
    }
    return { current, total, layers: layers.size };
  };
  return (event) => {
    if (event.id === undefined || event.status === undefined) return undefined;
    const layer = layers.get(event.id);
    if (event.status === 'Downloading') {
      const total = event.progressDetail?.total ?? 0;
      const current = event.progressDetail?.current ?? 0;
      if (total <= 0) return undefined;
      layers.set(event.id, { current: Math.min(current, total), total });
      return sum();
    }
    if (layer !== undefined && DOWNLOADED.has(event.status) && layer.current < layer.total) {
      layers.set(event.id, { ...layer, current: layer.total });
      return sum();
    }
    return undefined;
  };
}
