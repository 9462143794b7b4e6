import { defineConfig } from 'vitest/config';

// `npm run test:e2e`: every scenario (e2e/scenarios) on real nodes: one cluster (control
// plane, 3 nodes, CoreDNS) for the whole run, scenarios one after another, each in namespaces of its own.
export default defineConfig({
  test: {
    include: ['e2e/scenarios/**/*.e2e.ts'],
    globalSetup: ['e2e/harness/global-setup.ts'],
    fileParallelism: false,
    sequence: { concurrent: false },
    testTimeout: 900_000,
    hookTimeout: 600_000,
    reporters: ['verbose'],
  },
});
