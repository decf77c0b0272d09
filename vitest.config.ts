import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

/**
 * Every core works: vitest's default is one worker fewer than the cores, which is one worker on the two-core
 * machines CI and developers have. Forks, not threads: the local pipeline redirects `process.stdout.write`, which
 * must not leak between test files sharing a process.
 */
const workers = Math.max(2, availableParallelism());

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The pack-install-synth test runs on its own (`npm run test:package`): it builds, packs and installs.
    exclude: ['test/package/**', 'node_modules/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: workers,
    minWorkers: 1,
    // Test output carries test results only: the formatter's Powertools logger is silenced (tests that check
    // what it logs pass their own logger), and Node 20 makes the AWS SDK print a support notice in every worker
    // (the README says so once).
    env: {
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
    coverage: { include: ['formatters/**'], reporter: ['text-summary'] },
  },
});
