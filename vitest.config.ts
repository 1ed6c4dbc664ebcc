import { defineConfig } from 'vitest/config';

// One root run over every workspace package. Workspace packages resolve to their TypeScript
// sources through the "source" export condition, so tests need no build except for artifacts
// (the .wasm kernels), which `pnpm test` builds first through turbo.
const conditions = ['source', 'node', 'import', 'default'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ['source'] } },
  test: {
    include: [
      'test/**/*.test.ts',
      'packages/*/test/**/*.test.ts',
      'examples/*/test/**/*.test.ts',
      'benchmarks/test/**/*.test.ts',
    ],
    environment: 'node',
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results.json' },
    setupFiles: ['./vitest.setup.ts'],
  },
});
