import { defineConfig } from 'vitest/config';

// Benchmarks use the test runner only to run TypeScript against the lab; they measure and write
// results, and assert nothing about time. `npm run bench:*`, never part of `npm test`.
export default defineConfig({
  test: {
    include: ['bench/**/*.bench.ts'],
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 1_800_000,
    hookTimeout: 300_000,
  },
});
