import { Gauge, type Registry } from 'prom-client';
import type { TidewatchEvent } from '../events/index.js';
import { updateKind } from '../policy/update-kind.js';

type Checked = Extract<TidewatchEvent, { type: 'container-checked' }>;

interface Pending {
  readonly image: string;
  readonly kind: string;
  readonly digest: string;
  readonly since: number;
}

/**
 * `tidewatch_update_pending_since_seconds{container,image,kind}`: one series per container with an
 * available update, valued with when this process first saw that update (epoch seconds), so an
 * alert can say "pending for more than a week". The series goes when the container is current
 * again (checked so, or updated), or when a full check no longer lists it (removed, out of scope).
 */
export class PendingUpdates {
  private readonly gauge: Gauge<'container' | 'image' | 'kind'>;
  private readonly pending = new Map<string, Pending>();
  /** Containers checked since a check of everything started; undefined outside such a check. */
  private seenInFullCheck: Set<string> | undefined;

  constructor(
    registers: Registry[],
    private readonly clock: () => number = Date.now,
  ) {
    this.gauge = new Gauge({
      name: 'tidewatch_update_pending_since_seconds',
      help: 'Containers with an available update, by kind (digest, patch, minor, major, prerelease, date, tag): when it was first seen, in seconds since the epoch',
      labelNames: ['container', 'image', 'kind'],
      registers,
    });
  }

  observe(event: TidewatchEvent): void {
    if (event.type === 'check-started') {
      this.seenInFullCheck = event.names.length === 0 && event.targeted !== true ? new Set() : undefined;
    } else if (event.type === 'container-checked') {
      this.seenInFullCheck?.add(event.container);
      this.checked(event);
    } else if (event.type === 'update-step' && event.update.state === 'committed') {
      // Updated in the same run that found it: current now, without waiting for the next check.
      this.drop(event.update.containerName);
    } else if (event.type === 'check-finished' && this.seenInFullCheck !== undefined) {
      for (const container of [...this.pending.keys()])
        if (!this.seenInFullCheck.has(container)) this.drop(container);
      this.seenInFullCheck = undefined;
    }
  }

  private checked(event: Checked): void {
    // Skipped and unknown say nothing about an update: what was pending stays pending.
    if (event.status === 'current') this.drop(event.container);
    if (event.status !== 'update-available' || event.latestDigest === undefined) return;
    const kind = updateKind(event.currentTag, event.latestTag ?? event.currentTag);
    const before = this.pending.get(event.container);
    const same =
      before?.digest === event.latestDigest && before.kind === kind && before.image === event.image;
    if (same) return;
    this.drop(event.container);
    const now: Pending = { image: event.image, kind, digest: event.latestDigest, since: this.clock() };
    this.pending.set(event.container, now);
    this.gauge.set({ container: event.container, image: now.image, kind }, now.since / 1000);
  }

  private drop(container: string): void {
    const before = this.pending.get(container);
    if (before === undefined) return;
    this.pending.delete(container);
    this.gauge.remove({ container, image: before.image, kind: before.kind });
  }
}
