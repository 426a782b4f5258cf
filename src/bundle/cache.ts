import { existsSync, readdirSync } from 'node:fs';
import { copyFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { makeDirs } from '../domain/dirs.js';

/**
 * The far side's content-addressed blob cache (`DATA_DIR/bundle-blobs/<hex>`): blobs of earlier
 * bundles, so the next bundle carries only what changed. Only verified blobs enter it; it is
 * pruned to the blobs of the images the far side's tags point at (docs/offline.md).
 */
export class BlobCache {
  constructor(readonly dir: string) {
    makeDirs(dir, 0o700);
  }

  path(digest: string): string {
    return join(this.dir, digest.slice('sha256:'.length));
  }

  has(digest: string): boolean {
    return existsSync(this.path(digest));
  }

  digests(): string[] {
    return readdirSync(this.dir)
      .filter((name) => /^[0-9a-f]{64}$/.test(name))
      .map((hex) => `sha256:${hex}`);
  }

  /** Takes a verified blob from the staging dir (a rename on the same file system). */
  async adopt(digest: string, stagedPath: string): Promise<void> {
    if (this.has(digest)) return;
    const target = this.path(digest);
    const partial = `${target}.partial`;
    try {
      await rename(stagedPath, partial);
    } catch {
      await copyFile(stagedPath, partial); // another file system
    }
    await rename(partial, target);
  }

  /** Removes every blob not in `keep`; returns how many went. */
  async prune(keep: ReadonlySet<string>): Promise<number> {
    let removed = 0;
    for (const digest of this.digests()) {
      if (keep.has(digest)) continue;
      await rm(this.path(digest), { force: true });
      removed += 1;
    }
    return removed;
  }
}
