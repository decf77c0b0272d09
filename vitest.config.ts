import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // CDK synthesis and the local pipeline are CPU-bound; two cores is what CI has.
    pool: 'forks',
    // Node 20 makes the AWS SDK print a support notice in every test worker; the README says so once.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    coverage: { include: ['formatters/**'], reporter: ['text-summary'] },
  },
});
