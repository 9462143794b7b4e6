import { defineConfig } from 'vitest/config';

// The cluster benchmark (`npm run bench:cluster`): the e2e harness, running e2e/bench/ instead of the scenarios.
export default defineConfig({
  test: {
    include: ['e2e/bench/**/*.e2e-bench.ts'],
    globalSetup: ['e2e/harness/global-setup.ts'],
    fileParallelism: false,
    testTimeout: 3_600_000,
    hookTimeout: 600_000,
    reporters: ['verbose'],
  },
});
