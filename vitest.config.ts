import { defineConfig } from 'vitest/config';

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
