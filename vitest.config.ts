import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // No test may depend on wall-clock speed: a loaded CI runner gives planner a fraction of a core, so the
    // time-outs only catch a hang.
    testTimeout: 900_000,
    hookTimeout: 900_000,
    // Solver tests are CPU-bound wasm; two forks match the 2-core CI machine.
    pool: 'forks',
    maxWorkers: 2,
  },
});
