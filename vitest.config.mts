import * as path from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    // Synthesis tests are CPU-bound; two workers match the two cores CI has.
    maxWorkers: 2,
  },
  resolve: {
    // examples/team-stack imports the package by name, as a consumer would (tsconfig.json maps the same).
    alias: [
      { find: /^aks-stateful$/, replacement: path.resolve(import.meta.dirname, 'lib/index.ts') },
      { find: /^aks-stateful\/pulumi$/, replacement: path.resolve(import.meta.dirname, 'lib/pulumi/index.ts') },
    ],
  },
});
