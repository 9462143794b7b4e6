import { defineConfig } from 'vitest/config';

// The cluster benchmark (`npm run bench:cluster`, issue 11) on real nodes: the real-node harness (control plane,
// kubelets, CoreDNS; E2E_NODES nodes, default 3) running e2e/bench/ instead of the scenarios.
export default defineConfig({
  test: {
    include: ['e2e/bench/**/*.e2e-bench.ts'],
    globalSetup: ['e2e/harness/global-setup.ts'],
    fileParallelism: false,
    sequence: { concurrent: false },
    testTimeout: 6 * 3_600_000,
    hookTimeout: 600_000,
    reporters: ['verbose'],
  },
});
