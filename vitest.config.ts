import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import SlowFirstSequencer from './test/sequencer.js';
import { TOOLCHAIN_TESTS } from './vitest.package.config.js';

/**
 * Every core works: vitest's default is one worker fewer than the cores, which is one worker on the two-core
 * machines CI and developers have.
 */
const workers = Math.max(2, availableParallelism());

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The tests that drive the real npm and CDK command lines run on their own (`npm run test:package`):
    // TOOLCHAIN_TESTS in vitest.package.config.ts.
    exclude: [...TOOLCHAIN_TESTS, 'node_modules/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    /*
     * One process per worker, shared by the files it runs (`isolate: false`): a fresh process and module graph
     * per file cost each file a reload of aws-cdk-lib, the AWS SDK, jsonata and the sources, most of the suite's
     * CPU. Forks, not threads: the local pipeline redirects `process.stdout.write`, and CDK's bundling hands
     * process.stderr to a child. test/process-state.ts puts back what a file changed (environment, spies,
     * timers, SDK client mocks) before the next file runs; a file that needs modules loaded afresh resets them
     * itself (vi.resetModules).
     */
    pool: 'forks',
    isolate: false,
    /*
     * A worker keeps every module and allocates much short-lived data (SDK requests, histories, JSON): a 32 MiB
     * young generation (16 by default) halves its scavenges. Measured over the suite: 670 collections and 6.9 s
     * of pauses in the two workers by default, 330 and 4.6 s with it.
     *
     * No optimizing compiler (TurboFan) in the workers: a test runs most code a few times, so the optimized code
     * rarely pays back its compilation, which runs on threads of the same process and takes from the same two
     * cores. Six runs taken in turn with and without it: 68 to 79 CPU-seconds of all processes against 72 to 98.
     * The code runs the same; only how fast changes (Ignition and Sparkplug instead of TurboFan).
     */
    execArgv: ['--max-semi-space-size=32', '--no-turbofan'],
    setupFiles: ['test/process-state.ts'],
    /*
     * Transformed sources kept on disk between runs (node_modules/.experimental-vitest-cache, keyed by each file's
     * content and the config): a run after the first neither transforms nor sends the sources to the workers
     * again, about a tenth of the suite's CPU. A fresh clone (CI) fills it on its first run.
     */
    experimental: { fsModuleCache: true },
    sequence: { sequencer: SlowFirstSequencer },
    maxWorkers: workers,
    // Test output carries test results only: the formatter's Powertools logger is silenced (tests that check
    // what it logs set their own level), Node 20 makes the AWS SDK print a support notice in every worker (the
    // README says so once), and aws-cdk-lib warns of deprecated APIs on standard error (cdk synth shows them).
    env: {
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      JSII_DEPRECATED: 'quiet',
      // aws-cdk-lib checks every synthesized template against CloudFormation's rules (a WebAssembly engine built
      // afresh per synth: a ninth of the suite's CPU) and only warns, which no test checks. Every synth skips it;
      // cdk-nag's packs still run.
      CDK_VALIDATION: 'false',
    },
    coverage: { include: ['formatters/**'], reporter: ['text-summary'] },
  },
});
