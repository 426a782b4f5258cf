import type { ContainerDetails, ContainerSummary } from '../domain/index.js';
import type { Engine, EngineEvents } from '../engine/index.js';
import type { Logger } from '../log/index.js';
import { changesDetails } from './actions.js';

export interface InventoryOptions {
  readonly engine: Pick<Engine, 'inspectContainer'>;
  readonly events: EngineEvents;
  readonly logger: Logger;
  /** Delay before following the events again after the stream was lost (attempt 1, 2, ...). */
  readonly retryDelayMs?: (attempt: number) => number;
}

export interface InventoryStats {
  /** Whether the event stream is open: details are cached only then. */
  readonly live: boolean;
  readonly cached: number;
  /** details() answered from the cache. */
  readonly hits: number;
  /** details() that asked the engine. */
  readonly inspects: number;
}

interface Inspection {
  readonly promise: Promise<ContainerDetails | undefined>;
  /** An event for this container arrived while it was inspected: the answer may be stale. */
  stale: boolean;
}

const defaultRetry = (attempt: number): number => Math.min(30_000, 1000 * 2 ** (attempt - 1));

/**
 * What the engine says about each container (container inspect), kept between cycles so that a
 * cycle inspects only the containers that changed. It is trusted only while the engine's event
 * stream is open: every event that may change a container drops its entry, a lost stream drops
 * everything (events may have been missed) until it is open again, and each cycle's container
 * list reconciles it (a container gone, renamed, restarted or on another image is dropped).
 */
export class ContainerInventory {
  private readonly cache = new Map<string, ContainerDetails>();
  private readonly inFlight = new Map<string, Inspection>();
  private readonly controller = new AbortController();
  private live = false;
  /** Bumped whenever the stream opens or is lost: answers from before are not cached. */
  private epoch = 0;
  private attempts = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private hits = 0;
  private inspects = 0;

  constructor(private readonly options: InventoryOptions) {}

  /** Starts following the engine's events; details are cached once the stream is open. */
  start(): void {
    this.follow();
  }

  stop(): void {
    this.controller.abort();
    clearTimeout(this.retryTimer);
    this.live = false;
    this.cache.clear();
  }

  stats(): InventoryStats {
    return { live: this.live, cached: this.cache.size, hits: this.hits, inspects: this.inspects };
  }

  /** A container's details, by its full id: from the cache when nothing changed it since. */
  async details(id: string): Promise<ContainerDetails | undefined> {
    const cached = this.cache.get(id);
    if (cached !== undefined) {
      this.hits += 1;
      // A copy: callers build recreate specs from it and must never change the cached one.
      return structuredClone(cached);
    }
    let inspection = this.inFlight.get(id);
    if (inspection === undefined || inspection.stale) inspection = this.inspect(id);
    const details = await inspection.promise;
    return details && structuredClone(details);
  }

  /** Drops what a fresh container list says is gone or different (the re-list of each cycle). */
  reconcile(containers: readonly ContainerSummary[]): void {
    const listed = new Map(containers.map((container) => [container.id, container]));
    for (const [id, details] of this.cache) {
      const summary = listed.get(id);
      if (summary === undefined || !matches(details, summary)) this.cache.delete(id);
    }
  }

  private inspect(id: string): Inspection {
    this.inspects += 1;
    const epoch = this.epoch;
    const inspection: Inspection = {
      stale: false,
      promise: this.options.engine.inspectContainer(id).then(
        (details) => {
          if (this.inFlight.get(id) === inspection) this.inFlight.delete(id);
          // Cached only under its full id, and only when no event or stream loss came meanwhile.
          if (details?.id === id && this.live && epoch === this.epoch && !inspection.stale)
            this.cache.set(id, details);
          return details;
        },
        (error: unknown) => {
          if (this.inFlight.get(id) === inspection) this.inFlight.delete(id);
          throw error;
        },
      ),
    };
    this.inFlight.set(id, inspection);
    return inspection;
  }

  private follow(): void {
    if (this.controller.signal.aborted) return;
    this.options.events.follow(
      {
        onOpen: () => {
          this.attempts = 0;
          this.epoch += 1;
          this.cache.clear();
          this.live = true;
          this.options.logger.debug('following engine events: container details are cached');
        },
        onEvent: (event) => {
          if (!changesDetails(event.action)) return;
          this.cache.delete(event.id);
          const inspection = this.inFlight.get(event.id);
          if (inspection !== undefined) inspection.stale = true;
        },
        onLost: (reason) => this.lost(reason),
      },
      this.controller.signal,
    );
  }

  private lost(reason: string): void {
    this.live = false;
    this.epoch += 1;
    this.cache.clear();
    this.attempts += 1;
    const delay = (this.options.retryDelayMs ?? defaultRetry)(this.attempts);
    this.options.logger.warn(
      { reason, retryInMs: delay },
      'engine events lost: every container is inspected until they are followed again',
    );
    this.retryTimer = setTimeout(() => this.follow(), delay);
    this.retryTimer.unref();
  }
}

function matches(details: ContainerDetails, summary: ContainerSummary): boolean {
  return (
    details.name === summary.name &&
    details.state === summary.state &&
    details.imageId === summary.imageId &&
    sameLabels(details.config.Labels ?? {}, summary.labels)
  );
}

function sameLabels(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => a[key] === b[key]);
}
