import { defineConfig } from 'vitest/config';

/**
 * The project as its users get it, through the real npm and CDK command lines: the packed package installed into
 * a new CDK app outside the repository, which synthesizes a stack with it; and this repository's own
 * `cdk synth -c env=<name>` as an operator runs it (the CDK CLI, cdk.json's app, NodejsFunction bundling through
 * npx and esbuild). Each drives child processes for seconds to a minute, so they run on their own, with
 * `npm run test:package` (`npm run check` and CI run it after `npm test`). `npm test` synthesizes the same app in
 * process for every environment, with one real bundle (test/infra/app.test.ts, standalone-template.test.ts).
 */
export const TOOLCHAIN_TESTS = ['test/package/**/*.test.ts', 'test/infra/cdk-synth.test.ts'];

export default defineConfig({
  test: {
    include: TOOLCHAIN_TESTS,
    testTimeout: 300_000,
    hookTimeout: 300_000,
    // Both files at once, one per core (vitest's default is one worker fewer than the cores).
    maxWorkers: 2,
    env: {
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      JSII_DEPRECATED: 'quiet',
    },
  },
});
