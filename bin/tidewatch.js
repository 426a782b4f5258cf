#!/usr/bin/env node
// The published entry point: the compiled composition root does all the work.
import '../dist/main.js';
