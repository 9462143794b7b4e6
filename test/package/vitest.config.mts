import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// `npm run test:package`: npm pack, an offline install of the tarball in a scratch cdk8s project, a synth there.
// Apart from `npm test` because it compiles the library once more (~20 s on 2 cores); CI runs both.
export default defineConfig({
  test: {
    root: fileURLToPath(new URL('../..', import.meta.url)),
    include: ['test/package/**/*.spec.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
