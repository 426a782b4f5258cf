import { defineConfig } from 'vitest/config';

// Benchmarks use the test runner only to run TypeScript against the lab; they measure and write
// results, and assert nothing about time. `npm run bench:*`, never part of `npm test`.
export default defineConfig({
  test: {
    include: ['bench/**/*.bench.ts'],
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 1_800_000,
    // The last hook removes the fleet: a thousand containers, twelve at a time, take about ten
    // minutes on the lab's two cores (bench/scenarios/fleet.ts).
    hookTimeout: 1_800_000,
  },
});
