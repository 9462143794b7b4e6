import { defineConfig } from 'vitest/config';

// End-to-end tests: one control plane and one member runner for the whole run (globalSetup), scenarios one
// after another (they share the fake node), each in namespaces of its own.
export default defineConfig({
  test: {
    include: ['e2e/scenarios/**/*.e2e.ts'],
    globalSetup: ['e2e/harness/global-setup.ts'],
    fileParallelism: false,
    sequence: { concurrent: false },
    testTimeout: 600_000,
    hookTimeout: 600_000,
    reporters: ['verbose'],
  },
});
