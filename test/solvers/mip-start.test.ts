import { describe, expect, it } from 'vitest';
import { Problem, linear, type Program } from '../../src/lp/index.js';
import { getSolver } from '../../src/solvers/registry.js';

/**
 * A MIP start (SolveOptions.start) changes where a search begins, never what is optimal: every backend
 * answers the same optimum with a good start, a poor one, an infeasible one and one of the wrong length.
 */

/** max 5x + 4y, 6x + 4y <= 24, x + 2y <= 6, x, y integer in [0, 10]: LP (3, 1.5) = 21; integer optimum (4, 0) = 20. */
function knapsack(): Program {
  const p = new Problem();
  p.setDirection('maximize');
  const x = p.addVariable({ label: 'x', type: 'integer', objective: 5, upper: 10 });
  const y = p.addVariable({ label: 'y', type: 'integer', objective: 4, upper: 10 });
  p.addConstraint(
    'a',
    linear([
      [x, 6],
      [y, 4],
    ]),
    '<=',
    24,
  );
  p.addConstraint(
    'b',
    linear([
      [x, 1],
      [y, 2],
    ]),
    '<=',
    6,
  );
  return p.compile();
}

describe('MIP starts', () => {
  const starts: Array<[string, Float64Array]> = [
    ['the optimum', Float64Array.from([4, 0])],
    ['a feasible point below it', Float64Array.from([0, 3])],
    ['an infeasible point', Float64Array.from([10, 10])],
    ['a vector of the wrong length', Float64Array.from([1])],
  ];
  it('HiGHS takes the start: its log names the start and its objective', async () => {
    const lines: string[] = [];
    const solver = await getSolver('highs');
    await solver.solve(knapsack(), { start: Float64Array.from([0, 3]), log: (line) => lines.push(line) });
    expect(lines.some((line) => /MIP start solution is feasible, objective value is 12\b/.test(line))).toBe(true);
  });
  for (const backend of ['highs', 'glpk', 'auto'] as const) {
    it.each(starts)(`${backend}, started at %s: the optimum (4, 0) = 20`, async (_, start) => {
      const solver = await getSolver(backend);
      const solution = await solver.solve(knapsack(), { start, relativeGap: 0 });
      expect(solution.status).toBe('optimal');
      expect(solution.objective).toBeCloseTo(20, 9);
      expect([...solution.values!]).toEqual([4, 0]);
    });
  }
});
