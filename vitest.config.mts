import { defineConfig } from 'vitest/config';

// Unit tests: synthesize in-process and through the app command; no cluster, no network.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
  },
});
