import { defineConfig } from 'vitest/config';

/**
 * The cluster tests (test/cluster): real `satiot serve` processes, a NATS server and PostgreSQL.
 * They run on their own, after the rest of the suite and one file at a time, so that the other
 * tests do not compete with them for the two cores and their timings (1 s, 10 s) mean something.
 */
export default defineConfig({
  test: {
    include: ['test/cluster/**/*.test.ts'],
    // The nodes run the built CLI: a stale or missing dist/ is built first.
    globalSetup: ['test/support/fresh-dist.ts'],
    maxWorkers: 1,
    fileParallelism: false,
    testTimeout: 240_000,
    hookTimeout: 180_000,
  },
});
