#!/usr/bin/env node
// The published entry point: the compiled composition root, bundled into one file (scripts/bundle.js).
import '../dist/bundle/tidewatch.js';
