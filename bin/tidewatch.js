#!/usr/bin/env node
// The published entry point: the daemon's bundle and its loader (scripts/bundle.js), which keeps the
// bundle's compiled code between starts (src/boot/run-bundle.ts, docs/performance.md).
import module from 'node:module';

// Node 22.1 and later also keep the compiled code of what loads from node_modules (better-sqlite3's
// JavaScript, the optional packages) in the temp dir. Node 20 has no such cache: nothing happens there.
module.enableCompileCache?.();

await import('../dist/bundle/tidewatch.js');
