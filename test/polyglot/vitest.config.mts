import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// `npm run test:polyglot`: the Python and Java example apps, on the packages jsii-pacmak built (build/jsii), through
// the package's safe synth. Apart from `npm test`: it installs from PyPI and Maven Central (~1-2 min); CI runs it.
export default defineConfig({
  test: {
    root: fileURLToPath(new URL('../..', import.meta.url)),
    include: ['test/polyglot/**/*.spec.ts'],
    testTimeout: 300_000,
    hookTimeout: 300_000,
  },
});
