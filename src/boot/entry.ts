// The entry scripts/bundle.js builds into dist/bundle/tidewatch.js: what bin/tidewatch.js, the
// container image and the tests run. It loads the daemon's bundle, dist/bundle/tidewatch-main.cjs,
// through V8's compile cache (./run-bundle.ts). The paths hold from dist/bundle/, where it runs.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runBundle } from './run-bundle.js';

const bundle = fileURLToPath(new URL('../bundle/tidewatch-main.cjs', import.meta.url));

/** The bundle's content hash, written beside it at build time; without it, no cache. */
function bundleHash(): string | undefined {
  try {
    return readFileSync(`${bundle}.sha256`, 'utf8').trim();
  } catch {
    return undefined;
  }
}

// import() from this ES module resolves from dist/bundle/, as the bundle's require does.
runBundle(bundle, bundleHash(), (name) => import(name));
