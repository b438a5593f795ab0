import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    // Solver tests are CPU-bound wasm; two forks match the 2-core CI machine.
    pool: 'forks',
    maxWorkers: 2,
  },
});
