import { defineConfig, mergeConfig } from 'vitest/config';
import base from './vitest.config.js';

/**
 * `npm run test:fast`: the inner loop. The unit tests of the pure modules, the local runner and the command line
 * in process: no CDK synthesis (test/infra), no child process (the binary's exit codes and pipes, the bundle's
 * stack traces, headless Chromium), no end-to-end pipeline runs or bench simulations. `npm test` runs all of
 * these (all but the toolchain tests of `npm run test:package`) and stays the CI gate.
 */
export const SLOW_TESTS = [
  'test/infra/**',
  'test/e2e/**',
  'test/bench/**',
  'test/preview/html-browser.test.ts',
  'test/cli/exit-codes.test.ts',
  'test/cli/streams.test.ts',
  'test/cli/startup.test.ts',
  'test/formatters/shared/stack-traces.test.ts',
];

export default mergeConfig(base, defineConfig({ test: { exclude: [...SLOW_TESTS, 'node_modules/**'] } }));
