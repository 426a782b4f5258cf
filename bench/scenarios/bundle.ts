import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Writable } from 'node:stream';
import { createGzip } from 'node:zlib';
import {
  buildAndPush,
  labDocker,
  startEngines,
  stopEngines,
  uniqueName,
  type LabRegistry,
} from '../../test/lab/index.js';
import { bundleManifest } from '../../test/support/bundle-files.js';
import { expectExit, runCli } from '../../test/support/tidewatch.js';
import { round } from '../support/daemon.js';

export interface BundleResult {
  readonly layers: number;
  /** The image's compressed size in the registry (all layers, config and manifest). */
  readonly imageBytes: number;
  /** `docker save IMAGE | gzip` of the same image. */
  readonly saveGzipBytes: number;
  readonly full: { readonly bytes: number; readonly createMs: number; readonly applyMs: number };
  readonly delta: { readonly bytes: number; readonly createMs: number; readonly applyMs: number };
  /** The compressed size of the one layer that changed between the two versions. */
  readonly changedLayerBytes: number;
  /** The budget: the changed layer + 1% + 16 KB. */
  readonly deltaBudgetBytes: number;
}

const ENGINE = 'bnch';

/**
 * Offline bundles (docs/offline.md): a three-layer image (busybox, `payloadBytes` of incompressible
 * data, a marker), a full bundle of it and, after only the marker changed, a `--have` delta; each
 * applied to an extra engine that holds nothing else (the apply loads the images, no container).
 * Times are wall times of the CLI (process start included).
 */
export async function measureBundles(registry: LabRegistry, payloadBytes: number): Promise<BundleResult> {
  const work = mkdtempSync(join(tmpdir(), 'tidewatch-bench-bundle-'));
  await stopEngines([ENGINE]);
  const [far] = await startEngines([ENGINE]);
  try {
    const ref = `${registry.host}/${uniqueName('bench-bundle')}:live`;
    const payload = { seed: 'bench-payload', bytes: payloadBytes };
    await buildAndPush(ref, { payload, marker: 'v1' });
    const saveGzipBytes = await savedAndGzipped(ref);
    const env = { DOCKER_HOST: far?.host ?? '', TIDEWATCH_DATA_DIR: join(work, 'far') };
    const timed = async (args: string[], cliEnv = {}): Promise<number> => {
      const started = performance.now();
      expectExit(await runCli(args, cliEnv, 600_000));
      return round(performance.now() - started);
    };
    const fullFile = join(work, 'full.twb');
    const fullCreate = await timed(['bundle', 'create', ref, '-o', fullFile]);
    const fullApply = await timed(['bundle', 'apply', fullFile], env);
    const full = await bundleManifest(fullFile);

    await buildAndPush(ref, { payload, marker: 'v2' });
    const have = join(work, 'have.json');
    await timed(['bundle', 'have', '-o', have], env);
    const deltaFile = join(work, 'delta.twb');
    const deltaCreate = await timed(['bundle', 'create', ref, '--have', have, '-o', deltaFile]);
    const deltaApply = await timed(['bundle', 'apply', deltaFile], env);
    const delta = await bundleManifest(deltaFile);
    const layers = delta.images[0]?.platforms[0]?.layers ?? [];
    const changed = delta.blobs.find((blob) => blob.digest === layers.at(-1))?.size ?? 0;
    return {
      layers: layers.length,
      imageBytes: full.blobs.reduce((sum, blob) => sum + blob.size, 0),
      saveGzipBytes,
      full: { bytes: statSync(fullFile).size, createMs: fullCreate, applyMs: fullApply },
      delta: { bytes: statSync(deltaFile).size, createMs: deltaCreate, applyMs: deltaApply },
      changedLayerBytes: changed,
      deltaBudgetBytes: Math.floor(changed * 1.01 + 16 * 1024),
    };
  } finally {
    await stopEngines([ENGINE]);
    rmSync(work, { recursive: true, force: true });
  }
}

/** The bytes of `docker save REF | gzip` (what people carry on USB sticks today). */
async function savedAndGzipped(ref: string): Promise<number> {
  let bytes = 0;
  const counter = new Writable({
    write(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      done();
    },
  });
  await pipeline(await labDocker().getImage(ref).get(), createGzip(), counter);
  return bytes;
}
