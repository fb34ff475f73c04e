import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // 2 cores here: more workers only add contention.
    maxWorkers: 2,
    testTimeout: 30_000,
  },
});
