import { defineConfig } from 'vitest/config';

/**
 * The suite in three tiers (vitest projects; `npm test` runs them all, then the cluster tests):
 *
 * - `unit` (`npm run test:unit`): in-process, no build, no second process — feedback in seconds;
 * - `integration` (`npm run test:integration`): the built CLI as a child process, kill -9 and
 *   durability runs, the stores and buses over real services (skipped with a message when their URL
 *   is unset), sockets, the attack suites and the isolation matrix;
 * - `e2e` (`npm run test:e2e`): the dashboard in a real browser, the twin driving the core, the demo.
 *
 * The integration and e2e tiers get a fresh `dist/` from one global setup (test/support/fresh-dist.ts).
 * Real multi-process clusters run alone, after the rest (vitest.cluster.config.ts).
 */
const E2E = [
  'test/web/**/*.e2e.test.ts',
  'test/cli/demo-command.test.ts',
  ...['simulate-e2e', 'live-twin', 'mixed-scenario', 'flood-gauges', 'simulate-command'].map(
    (n) => `test/twin/${n}.test.ts`,
  ),
];
const INTEGRATION = [
  'test/cli/**/*.test.ts',
  'test/core/kill-9.test.ts',
  'test/store/**/*.test.ts',
  'test/bus/**/*.test.ts',
  'test/security/**/*.test.ts',
  'test/api/isolation-matrix.test.ts',
  'test/api/mqtt-gateway.test.ts',
  'test/api/planner-routes.test.ts',
  'test/api/directip.test.ts',
  'test/api/semtech-udp-server.test.ts',
  'test/integrations/mqtt-integration-publisher.test.ts',
  'test/plan/planner.test.ts',
  'test/supervision/audit-cli.test.ts',
  'test/supervision/audit-store-backends.test.ts',
  'test/supervision/registration-lifecycle.test.ts',
];
const ALWAYS_EXCLUDED = ['test/cluster/**', 'node_modules/**'];

export default defineConfig({
  test: {
    // 2 cores here: more workers only add contention.
    maxWorkers: 2,
    testTimeout: 30_000,
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: [...ALWAYS_EXCLUDED, ...INTEGRATION, ...E2E] },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: INTEGRATION,
          exclude: [...ALWAYS_EXCLUDED, ...E2E],
          globalSetup: ['test/support/fresh-dist.ts'],
        },
      },
      {
        extends: true,
        test: { name: 'e2e', include: E2E, exclude: ALWAYS_EXCLUDED, globalSetup: ['test/support/fresh-dist.ts'] },
      },
    ],
  },
});
