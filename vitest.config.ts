import { defineConfig } from 'vitest/config';
import { labEngineHost } from './test/lab/lab-engine.js';

// TIDEWATCH_LAB_ENGINE picks the engine the lab, the engine tests and the Tidewatch under test talk
// to (docs/podman.md). Set here, in the main process, so the global setup and every worker (forks
// inherit the environment) see the same DOCKER_HOST.
const host = labEngineHost(process.env.TIDEWATCH_LAB_ENGINE);
if (host !== undefined) process.env.DOCKER_HOST = host;

// Engine tests are I/O bound (the engine and the registry do the work), so more files run at once
// than this 2-core machine has cores. Each test file starts its own registry and names everything it
// creates with a unique prefix, so files never share state.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    pool: 'forks',
    maxWorkers: 4,
    testTimeout: 120_000,
    hookTimeout: 120_000,
    reporters: ['default'],
  },
});
