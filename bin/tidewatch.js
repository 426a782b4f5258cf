#!/usr/bin/env node
// The published entry point: the compiled composition root, bundled into one file (scripts/bundle.js).
import module from 'node:module';

// Node 22.1 and later can keep the bundle's compiled code on disk (in the temp dir) and skip most
// of the compile at the next start (docs/performance.md). Node 20 has no such cache: nothing
// happens there. A cache that cannot be written (a read-only /tmp) only costs that saving.
module.enableCompileCache?.();

await import('../dist/bundle/tidewatch.js');
