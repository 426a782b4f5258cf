/**
 * How far behind a live-stream client may fall before it is disconnected (docs/api.md). The queue
 * of what is still to be sent is per client and nothing else bounds it: a client that stops
 * reading (a stalled proxy, a suspended laptop) would hold every event published since.
 *
 * As many events as the log keeps: a client further behind than that cannot be replayed what it
 * missed anyway; it reconnects and is told of the gap.
 */
export const MAX_EVENTS_BEHIND = 1000;
/**
 * 1 MiB of encoded events: update-step events carry a whole history record, so 1000 of them
 * could be tens of MB per client. Kernel socket buffers (several MB on loopback) come on top.
 */
export const MAX_BYTES_BEHIND = 1024 * 1024;

export interface QueueLimits {
  readonly events: number;
  readonly bytes: number;
}

/**
 * The encoded events waiting to be written to one client, oldest first, with their total size.
 * The frame being written stays queued (and counted) until the stream has taken it (`taken`):
 * a write blocked on a client that does not read is still bytes that client is behind.
 */
export class ClientQueue {
  private readonly frames: Uint8Array[] = [];
  private bytes = 0;

  constructor(
    private readonly limits: QueueLimits = { events: MAX_EVENTS_BEHIND, bytes: MAX_BYTES_BEHIND },
  ) {}

  get length(): number {
    return this.frames.length;
  }

  get byteLength(): number {
    return this.bytes;
  }

  push(frame: Uint8Array): void {
    this.frames.push(frame);
    this.bytes += frame.byteLength;
  }

  /** The oldest frame, left in the queue until `taken`. */
  peek(): Uint8Array | undefined {
    return this.frames[0];
  }

  /** The oldest frame was written: it no longer counts. */
  taken(): void {
    const frame = this.frames.shift();
    if (frame !== undefined) this.bytes -= frame.byteLength;
  }

  /**
   * Whether the client is more than the limits behind. `unflushed`: bytes already handed to the
   * socket but not yet taken by it (Node's own write buffer), which the client is behind too.
   */
  overLimit(unflushed = 0): boolean {
    return this.frames.length > this.limits.events || this.bytes + unflushed > this.limits.bytes;
  }

  clear(): void {
    this.frames.length = 0;
    this.bytes = 0;
  }
}
