import { describe, expect, it } from 'vitest';
import { Problem } from '../../src/lp/index.js';
import { hardKillGraceSec, isolatedSolver } from '../../src/solvers/isolated.js';
import { getSolver } from '../../src/solvers/registry.js';
import { buildHardKnapsack, buildMelange } from './cases.js';

const STUCK = new URL('./fixtures/stuck-solver.ts', import.meta.url);
const UNLOADABLE = new URL('./fixtures/unloadable-solver.ts', import.meta.url);

function oneColumn(cost: number) {
  const problem = new Problem();
  problem.addVariable({ label: 'x', lower: 1, upper: 2, objective: cost });
  return problem.compile();
}

describe('a backend in its own thread', () => {
  it('gives the in-thread answer, bit for bit', async () => {
    for (const name of ['highs', 'glpk']) {
      const isolated = isolatedSolver({ name });
      const inThread = await getSolver(name);
      for (const program of [buildMelange(), buildHardKnapsack(30, 5, 3)]) {
        const options = { workLimit: { nodes: 200 } };
        const [a, b] = [await isolated.solve(program, options), await inThread.solve(program, options)];
        expect({ ...a, seconds: 0 }).toEqual({ ...b, seconds: 0 });
      }
    }
  });

  it('terminates a backend that does not stop at its time limit, says so, and starts a fresh thread for the next solve', async () => {
    const stuck = isolatedSolver({ name: 'stuck', module: STUCK });
    for (let attempt = 0; attempt < 2; attempt++) {
      const solution = await stuck.solve(oneColumn(1), { timeLimitSec: 0.2 });
      expect(solution.status).toBe('no_solution');
      expect(solution.limit).toBe('time');
      expect(solution.rawStatus).toMatch(/did not stop at its 0.2 s time limit/);
      // It was stopped from outside, after the grace, not by the backend.
      expect(solution.seconds).toBeGreaterThanOrEqual(0.2 + hardKillGraceSec(0.2) - 0.05);
    }
  });

  it('turns a backend failure into an error solution, not a crash', async () => {
    const solution = await isolatedSolver({ name: 'stuck', module: STUCK }).solve(oneColumn(2));
    expect(solution.status).toBe('error');
    expect(solution.rawStatus).toMatch(/the backend broke/);
    expect(solution.limit).toBeUndefined();
  });

  it('warmed ahead of its first program, gives the same answers; a backend that fails to load fails that solve', async () => {
    const warmed = isolatedSolver({ name: 'highs' });
    warmed.warm();
    warmed.warm(); // a second call starts nothing more
    const inThread = await getSolver('highs');
    const program = buildHardKnapsack(30, 5, 3);
    const options = { workLimit: { nodes: 200 } };
    expect({ ...(await warmed.solve(program, options)), seconds: 0 }).toEqual({ ...(await inThread.solve(program, options)), seconds: 0 });

    const broken = isolatedSolver({ name: 'unloadable', module: UNLOADABLE });
    broken.warm();
    const solution = await broken.solve(oneColumn(1));
    expect(solution.status).toBe('error');
    expect(solution.rawStatus).toMatch(/could not load/);
  });
});
