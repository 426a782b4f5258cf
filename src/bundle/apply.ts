import { readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { describeError } from '../domain/errors.js';
import type { CycleReport } from '../domain/run.js';
import type { ImageArchives } from '../engine/image-archives.js';
import type { Logger } from '../log/index.js';
import type { Bundles, BundleRecord } from '../store/index.js';
import type { BlobCache } from './cache.js';
import { chainIds } from '../registry/manifest-schemas.js';
import { loadIntoEngine } from './load.js';
import type { BundleImage, BundleManifest, BundlePlatform } from './format.js';
import type { TrustedKey } from './keys.js';
import { platformsFor } from './platforms.js';
import { readBundle } from './read.js';
import { BundleRejected } from './rejected.js';
import { pushToRegistry, type TargetRegistry } from './target-registry.js';
import { verifyBundle } from './verify.js';
import { makeDirs } from '../domain/dirs.js';

export interface ApplyDeps {
  readonly bundles: Bundles;
  readonly cache: BlobCache;
  readonly keys: readonly TrustedKey[];
  readonly archives: ImageArchives;
  /** The image id a tag names in the engine now (read back after the load). */
  readonly imageIdOf: (tag: string) => Promise<string | undefined>;
  /** --bundle-target-registry: push there instead of loading into the engine. */
  readonly target?: TargetRegistry | undefined;
  /** Where a bundle is unpacked while it is checked (in the data dir: same file system as the cache). */
  readonly stagingRoot: string;
  readonly logger: Logger;
  /** Updates the containers on these tags (trigger `bundle`), through the usual cycle. */
  readonly update: (refs: string[], pull: boolean) => Promise<CycleReport>;
}

export type ApplyOutcome =
  | {
      readonly state: 'applied';
      readonly manifest: BundleManifest;
      readonly refs: string[];
      readonly updated: NonNullable<BundleRecord['updated']>;
    }
  | { readonly state: 'rejected'; readonly reason: string };

/**
 * Applies one bundle file: reads and verifies all of it first (verify.ts); only then are its blobs
 * kept, its images loaded into the engine (or pushed to the site registry) and checked by reading
 * each tag back, the bundle recorded, and the containers on its tags updated through the journaled,
 * verified, rolled-back path. A refused bundle changes nothing but its history row.
 */
export async function applyBundle(deps: ApplyDeps, file: string): Promise<ApplyOutcome> {
  makeDirs(deps.stagingRoot, 0o700);
  const staging = await mkdtemp(join(deps.stagingRoot, 'bundle-'));
  const bytes = sizeOf(file);
  let manifest: BundleManifest | undefined;
  let applied: { seq: number; manifest: BundleManifest; refs: string[] };
  try {
    const read = await readBundle(file, staging);
    manifest = read.manifest;
    const engine = deps.target ? undefined : await deps.archives.platform();
    const chains = deps.target ? new Set<string>() : await deps.archives.layerChains();
    const configChains = configChainReader(read.blobs, deps.cache);
    const verified = verifyBundle(read, {
      keys: deps.keys,
      applied: { ids: deps.bundles.appliedIds(), last: deps.bundles.lastApplied() },
      cached: (digest) => deps.cache.has(digest),
      heldChain: (layer, platform) => {
        const chain = configChains(platform)[platform.layers.indexOf(layer)];
        return chain !== undefined && chains.has(chain);
      },
      platformsOf: (image) => (engine ? platformsFor(image, engine) : image.platforms),
    });
    for (const [digest, staged] of read.blobs) await deps.cache.adopt(digest, staged.path);
    const refs = deps.target
      ? await pushToRegistry(deps.target, verified, deps.cache)
      : await loadIntoEngine(deps, verified);
    const seq = deps.bundles.recordApplied(
      {
        bundleId: manifest.id,
        file: basename(file),
        created: manifest.created,
        images: imagesOf(manifest),
        bytes,
      },
      verified.uses.map(({ image }) => ({ ref: image.ref, blobs: blobsOf(image) })),
    );
    const pruned = await deps.cache.prune(deps.bundles.blobsInUse());
    deps.logger.info({ bundle: manifest.id, images: refs, pruned }, 'bundle verified and loaded');
    applied = { seq, manifest, refs };
  } catch (error) {
    const reason =
      error instanceof BundleRejected ? error.message : `it could not be applied: ${describeError(error)}`;
    deps.bundles.recordRejected(
      {
        file: basename(file),
        bytes,
        bundleId: manifest?.id ?? null,
        created: manifest?.created ?? null,
        images: manifest ? imagesOf(manifest) : [],
      },
      reason,
    );
    deps.logger.warn({ file, reason }, 'bundle refused');
    return { state: 'rejected', reason };
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  // Applied from here on: a cycle that fails is that cycle's outcome, never a refused bundle.
  const updated = await updatesOf(deps, applied.refs);
  deps.bundles.setUpdated(applied.seq, updated);
  return { state: 'applied', manifest: applied.manifest, refs: applied.refs, updated };
}

/** What the updates of the containers on `refs` did, per container (a failed cycle: one line for all). */
async function updatesOf(deps: ApplyDeps, refs: string[]): Promise<NonNullable<BundleRecord['updated']>> {
  try {
    const report = await deps.update(refs, deps.target !== undefined);
    return report.entries
      .filter((entry) => entry.action !== undefined || entry.status === 'unknown')
      .map((entry) => ({
        container: entry.name,
        outcome: entry.action ?? entry.status,
        ...(entry.reason ? { reason: entry.reason } : {}),
      }));
  } catch (error) {
    deps.logger.error({ images: refs, reason: describeError(error) }, 'the updates of a bundle failed');
    return [{ container: '*', outcome: 'failed', reason: describeError(error) }];
  }
}

function sizeOf(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

function imagesOf(manifest: BundleManifest): { ref: string; digest: string }[] {
  return manifest.images.map((image) => ({ ref: image.ref, digest: image.digest }));
}

function blobsOf(image: BundleImage): string[] {
  return [
    image.digest,
    ...image.platforms.flatMap((platform) => [platform.manifest, platform.config, ...platform.layers]),
  ];
}

/** Each platform's layer chain ids, from its config (in the file or the cache; verify checks both). */
function configChainReader(
  staged: ReadonlyMap<string, { path: string }>,
  cache: BlobCache,
): (platform: BundlePlatform) => string[] {
  const known = new Map<string, string[]>();
  return (platform) => {
    const found = known.get(platform.config);
    if (found) return found;
    const path =
      staged.get(platform.config)?.path ??
      (cache.has(platform.config) ? cache.path(platform.config) : undefined);
    let chains: string[] = [];
    if (path !== undefined) {
      try {
        const config = JSON.parse(readFileSync(path, 'utf8')) as { rootfs?: { diff_ids?: string[] } };
        chains = chainIds(config.rootfs?.diff_ids ?? []);
      } catch {
        chains = [];
      }
    }
    known.set(platform.config, chains);
    return chains;
  };
}
