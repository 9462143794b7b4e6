import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// `npm run test:rules`: promtool (built from the Prometheus Go module by e2e/nodes/build.sh, cached by version)
// checks the synthesized alert rules and runs their unit tests. Apart from `npm test` because the first run builds
// promtool (minutes); CI runs both.
export default defineConfig({
  test: {
    root: fileURLToPath(new URL('../..', import.meta.url)),
    include: ['test/rules/**/*.spec.ts'],
    testTimeout: 60_000,
    hookTimeout: 1_800_000,
  },
});
