import { defineConfig } from 'vitest/config';

/**
 * `npm run test:package`: the package as users get it. It builds and packs the package, installs the tarball
 * into a new CDK app outside the repository and synthesizes a stack with it, so it takes a minute and runs on
 * its own (CI runs it after `npm test`).
 */
export default defineConfig({
  test: {
    include: ['test/package/**/*.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 300_000,
    env: {
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
  },
});
