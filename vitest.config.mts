import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    // Synthesis tests are CPU-bound; two workers match the two cores CI has.
    maxWorkers: 2,
  },
});
