import { dirname, join } from 'node:path';
import type { Settings } from '../config/index.js';
import type { CycleReport } from '../domain/run.js';
import { imageMatcher } from '../domain/index.js';
import type { Engine } from '../engine/index.js';
import type { ImageArchives } from '../engine/image-archives.js';
import type { Logger } from '../log/index.js';
import type { RegistryClient } from '../registry/index.js';
import type { Bundles } from '../store/index.js';
import { runCycle, type CycleDeps } from '../updater/index.js';
import type { ApplyDeps } from './apply.js';
import { BlobCache } from './cache.js';
import { HAVE_FORMAT, type HaveFile } from './format.js';
import { loadTrustedKeys } from './keys.js';

/** What the far side's bundle handling is built from: the run's or once's wiring and store. */
export interface BundleHost {
  readonly settings: Readonly<Settings>;
  readonly logger: Logger;
  readonly engine: Engine;
  readonly archives: ImageArchives;
  readonly registry: RegistryClient;
  /** The store's file: the blob cache and the staging dir live beside it, in the data dir. */
  readonly storeFile: string;
}

export function blobCacheOf(storeFile: string): BlobCache {
  return new BlobCache(join(dirname(storeFile), 'bundle-blobs'));
}

/**
 * ApplyDeps from the settings: the trusted keys (read now, so a bad key file stops `run` at start),
 * the cache, the engine or --bundle-target-registry, and the cycle that updates the containers.
 */
export function applyDepsOf(
  host: BundleHost,
  bundles: Bundles,
  cycle: CycleDeps,
  signal: AbortSignal,
): ApplyDeps {
  const { settings } = host;
  return {
    bundles,
    cache: blobCacheOf(host.storeFile),
    keys: loadTrustedKeys(settings.bundleKeys),
    archives: host.archives,
    imageIdOf: async (tag) => (await host.engine.inspectImage(tag))?.id,
    target:
      settings.bundleTargetRegistry === undefined
        ? undefined
        : { host: settings.bundleTargetRegistry, transfer: host.registry.transfer(signal) },
    stagingRoot: join(dirname(host.storeFile), 'bundle-staging'),
    logger: host.logger.child({ component: 'bundle' }),
    update: (refs, pull) => updateFromBundle(cycle, refs, pull, signal),
  };
}

/**
 * The containers on the bundle's tags, through the usual cycle (journal, verification, rollback,
 * bad digests), trigger `bundle`. Loaded into the engine, the new image is a local tag: the cycle
 * compares image ids and asks no registry (as --no-pull does); pushed to a site registry, it pulls.
 */
export function updateFromBundle(
  cycle: CycleDeps,
  refs: readonly string[],
  pull: boolean,
  signal: AbortSignal,
): Promise<CycleReport> {
  const deps = pull ? cycle : { ...cycle, settings: { ...cycle.settings, noPull: true } };
  return runCycle(deps, { names: [], images: imageMatcher(refs), update: true, signal, trigger: 'bundle' });
}

/** `tidewatch bundle have`: what this host holds, for the connected side's next delta. */
export async function haveOf(
  host: Pick<BundleHost, 'engine' | 'archives' | 'storeFile'>,
  last: { id: string; created: string } | undefined,
): Promise<HaveFile> {
  const images = new Set<string>();
  for (const summary of await host.engine.listContainers({ all: false })) {
    const details = await host.engine.inspectContainer(summary.id);
    const image = details?.config.Image;
    if (typeof image === 'string' && image !== '' && !image.startsWith('sha256:')) images.add(image);
  }
  return {
    format: HAVE_FORMAT,
    created: new Date().toISOString(),
    images: [...images].sort(),
    blobs: blobCacheOf(host.storeFile).digests().sort(),
    chains: [...(await host.archives.layerChains())].sort(),
    lastBundle: last ?? null,
  };
}
