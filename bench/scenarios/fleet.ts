import pLimit from 'p-limit';
import { buildAndPush, labDocker, runContainer, type LabRegistry } from '../../test/lab/index.js';

/**
 * A growing set of tiny busybox containers (`sleep`) in one scope, 10 per image reference: N
 * containers always share N/10 references. Growing it (10, then 100, 500, 1000) creates each
 * container once per benchmark run; cleanupLab() removes them all at the end.
 */
export class Fleet {
  private readonly images: string[] = [];
  private count = 0;

  constructor(
    private readonly registry: LabRegistry,
    readonly scope: string,
    private readonly prefix: string,
  ) {}

  get size(): number {
    return this.count;
  }

  get imageCount(): number {
    return this.images.length;
  }

  /** Adds containers (and their images) until there are `target`, in parallel batches. */
  async growTo(target: number): Promise<number> {
    const started = performance.now();
    const imagesNeeded = Math.ceil(target / 10);
    const buildLimit = pLimit(4);
    const fresh = Array.from({ length: imagesNeeded - this.images.length }, (_, offset) => {
      const index = this.images.length + offset;
      return `${this.registry.host}/${this.prefix}-img${index}:latest`;
    });
    await Promise.all(fresh.map((image) => buildLimit(() => buildAndPush(image))));
    this.images.push(...fresh);
    const runLimit = pLimit(12);
    const indexes = Array.from({ length: target - this.count }, (_, offset) => this.count + offset);
    await Promise.all(
      indexes.map((index) =>
        runLimit(() =>
          runContainer(`${this.prefix}-c${index}`, this.images[Math.floor(index / 10)] ?? '', {
            Labels: { 'tidewatch.scope': this.scope },
            HostConfig: { NetworkMode: 'none' },
          }),
        ),
      ),
    );
    this.count = target;
    return performance.now() - started;
  }

  /**
   * Removes the containers in batches of 12: removing a thousand at once makes the engine give up
   * on some ("did not receive an exit event"). cleanupLab() then removes the images.
   */
  async remove(): Promise<void> {
    const limit = pLimit(12);
    const docker = labDocker();
    await Promise.all(
      Array.from({ length: this.count }, (_, index) =>
        limit(
          () =>
            docker
              .getContainer(`${this.prefix}-c${index}`)
              .remove({ force: true })
              .catch(() => undefined), // cleanupLab() reports what is really left
        ),
      ),
    );
    this.count = 0;
  }
}
