import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Real multi-process clusters run alone, after the rest (vitest.cluster.config.ts; npm test runs both).
    exclude: ['test/cluster/**', 'node_modules/**'],
    // 2 cores here: more workers only add contention.
    maxWorkers: 2,
    testTimeout: 30_000,
  },
});
