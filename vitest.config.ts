import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

/**
 * Every core works: vitest's default is one worker fewer than the cores, which is one worker on the two-core
 * machines CI and developers have. Forks, not threads: the local pipeline redirects `process.stdout.write`, and
 * the standalone-template test bundles with a child process.
 */
const workers = Math.max(2, availableParallelism());

/**
 * Test files that change no process state (no SDK mocks, no environment, no patched streams, no process-wide
 * clients) share one module graph per worker (`isolate: false`): a fresh graph per file costs each of them a
 * reload of aws-cdk-lib, jsonata and the sources, half of their CPU. Vitest isolates per pool, not per project,
 * so they run on worker threads and every other file (commands against SDK mocks, end-to-end runs of the local
 * pipeline, the formatter's handler, the local stand-ins) on forks, each in a fresh process. A file added to
 * these folders must keep to that, or be listed in NEEDS_A_PROCESS.
 */
const SHARED_MODULES = [
  'test/infra/**/*.test.ts',
  'test/statemachines/**/*.test.ts',
  'test/local/asl/**/*.test.ts',
  'test/preview/**/*.test.ts',
  'test/bench/**/*.test.ts',
  'test/formatters/{concurrent-iterations,localstack-histories,message-coverage,readable-failures,render,summarize}.test.ts',
  'test/local/{page,pipe,queue,slack-server}.test.ts',
  'test/cli/{convention,help,read-input}.test.ts',
  'test/cli/aws/errors.test.ts',
];
/** Files of those folders that need a process of their own: CDK's local bundling hands process.stderr to a child. */
const NEEDS_A_PROCESS = ['test/infra/standalone-template.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    poolOptions: { forks: { isolate: true }, threads: { isolate: false } },
    maxWorkers: workers,
    minWorkers: 1,
    // Test output carries test results only: the formatter's Powertools logger is silenced (tests that check
    // what it logs set their own level), and Node 20 makes the AWS SDK print a support notice in every worker
    // (the README says so once).
    env: {
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
    coverage: { include: ['formatters/**'], reporter: ['text-summary'] },
    projects: [
      {
        extends: true,
        test: { name: 'shared', include: SHARED_MODULES, exclude: NEEDS_A_PROCESS, pool: 'threads' },
      },
      {
        extends: true,
        test: {
          name: 'isolated',
          include: ['test/**/*.test.ts'],
          // The pack-install-synth test runs on its own (`npm run test:package`): it builds, packs and installs.
          exclude: [...SHARED_MODULES, 'test/package/**', 'node_modules/**'],
        },
      },
      { extends: true, test: { name: 'own process', include: NEEDS_A_PROCESS } },
    ],
  },
});
