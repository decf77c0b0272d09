import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // CDK synthesis and the local pipeline are CPU-bound; two cores is what CI has.
    pool: 'forks',
    coverage: { include: ['formatters/**'], reporter: ['text-summary'] },
  },
});
