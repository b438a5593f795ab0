import { describe, expect, it } from 'vitest';
import { Problem, linear, type Program } from '../../src/lp/index.js';
import { SMALL_LP_COLUMNS, SMALL_MILP_COLUMNS, createAutoSolver } from '../../src/solvers/auto.js';
import type { Solution, SolveOptions, Solver } from '../../src/solvers/types.js';

/** n columns, one covering row; integer columns when mip. */
function program(n: number, mip: boolean): Program {
  const problem = new Problem();
  const xs = Array.from({ length: n }, (_, i) =>
    problem.addVariable({ label: `x${i}`, type: mip ? 'integer' : 'continuous', objective: 1 + i }),
  );
  problem.addConstraint('cover', linear(xs.map((x) => [x, 1] as [typeof x, number])), '>=', 1);
  return problem.compile();
}

/** A backend that records what it was asked and answers with the given status. */
function fake(name: string, status: Solution['status'], withValues = true): Solver & { calls: SolveOptions[] } {
  const calls: SolveOptions[] = [];
  return {
    name,
    calls,
    solve: async (p, options = {}) => {
      calls.push(options);
      return {
        status,
        solver: name,
        rawStatus: status,
        seconds: 0,
        ...(withValues ? { objective: 1, values: new Float64Array(p.objective.length) } : {}),
      } as Solution;
    },
  };
}

describe('the auto backend', () => {
  it('sends small LPs and small MILPs to glpk.js, large ones to HiGHS, and says which answered', async () => {
    const highs = fake('highs', 'optimal');
    const glpk = fake('glpk', 'optimal');
    const auto = createAutoSolver(highs, glpk);
    expect((await auto.solve(program(SMALL_LP_COLUMNS, false))).rawStatus).toBe('glpk: optimal');
    expect((await auto.solve(program(SMALL_LP_COLUMNS + 1, false))).rawStatus).toBe('highs: optimal');
    const small = await auto.solve(program(SMALL_MILP_COLUMNS, true), { relativeGap: 0.005 });
    expect(small).toMatchObject({ solver: 'auto', rawStatus: 'glpk: optimal' });
    expect(glpk.calls.at(-1)!.relativeGap).toBe(0.002); // glpk.js stops at its first incumbent within the gap
    expect((await auto.solve(program(SMALL_MILP_COLUMNS + 1, true))).rawStatus).toBe('highs: optimal');
  });

  it("re-solves with HiGHS what glpk.js did not prove, and keeps glpk.js's incumbent if HiGHS finds none", async () => {
    const glpk = fake('glpk', 'feasible');
    expect((await createAutoSolver(fake('highs', 'optimal'), glpk).solve(program(10, true), { timeLimitSec: 5 })).rawStatus).toBe(
      'highs: optimal',
    );
    expect(
      (await createAutoSolver(fake('highs', 'no_solution', false), glpk).solve(program(10, true), { timeLimitSec: 5 })).rawStatus,
    ).toBe('glpk: feasible');
    // glpk.js's proofs of infeasibility stand.
    const highs = fake('highs', 'optimal');
    expect((await createAutoSolver(highs, fake('glpk', 'infeasible', false)).solve(program(10, true))).status).toBe('infeasible');
    expect(highs.calls).toHaveLength(0);
  });

  it('loads HiGHS only when a program needs it, once', async () => {
    const highs = fake('highs', 'optimal');
    let loads = 0;
    const auto = createAutoSolver(
      async () => {
        loads++;
        return highs;
      },
      fake('glpk', 'optimal'),
    );
    await auto.solve(program(10, false));
    await auto.solve(program(10, true));
    expect(loads).toBe(0);
    expect((await auto.solve(program(SMALL_LP_COLUMNS + 1, false))).rawStatus).toBe('highs: optimal');
    await auto.solve(program(SMALL_MILP_COLUMNS + 1, true));
    expect(loads).toBe(1);
    expect(highs.calls).toHaveLength(2);
  });
});
