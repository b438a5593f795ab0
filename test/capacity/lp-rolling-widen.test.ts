import { describe, expect, it } from 'vitest';
import type { SolveFn } from '../../src/capacity/solve.js';
import { planCapacity } from '../../src/capacity/solve.js';
import { objectiveValue } from '../../src/lp/check.js';
import { isMip, type Program } from '../../src/lp/types.js';
import { glpkSolve, simSmall } from '../simulate/support.js';

/** The window index a window MILP is for (its labels end in t=NN). */
function windowOf(program: Program): string | undefined {
  return program.columnLabels.find((label) => label.includes('t='))?.replace(/.*t=(\d+).*/, '$1');
}

/**
 * glpk.js, except that the second MILP of a window (lp-rolling's re-solve over every config) answers as a
 * time-limited solve would: `none`, no point; `worse`, a real point of it that serves nothing.
 */
async function sabotagedWideSolves(mode: 'none' | 'worse'): Promise<{ solve: SolveFn; sabotaged: () => number }> {
  const glpk = await glpkSolve();
  let last: string | undefined;
  let count = 0;
  const solve: SolveFn = async (program, options) => {
    if (!isMip(program)) return glpk(program, options);
    const window = windowOf(program);
    const wide = window !== undefined && window === last;
    last = window;
    if (!wide) return glpk(program, options);
    count++;
    if (mode === 'none') return { status: 'no_solution', solver: 'glpk', rawStatus: 'time limit (test)', seconds: 0 };
    // Unmet demand free: the solver serves nothing, a feasible point whose true objective is far worse.
    const objective = Float64Array.from(program.objective, (c, j) => (program.columnLabels[j]!.startsWith('unmet') ? 0 : c));
    const solution = await glpk({ ...program, objective }, options);
    return { ...solution, status: 'feasible', objective: objectiveValue(program, solution.values!) };
  };
  return { solve, sabotaged: () => count };
}

describe("lp-rolling's re-solve over every config", () => {
  // A penalty of $0.001 a request: the LP serves small demand with a fraction of a replica, the restricted
  // MILP would rather leave it than start a whole one, so most windows are re-solved over every config.
  const overrides = ['workloads.0.unmetPenaltyUsdPerRequest=0.001', 'workloads.1.unmetPenaltyUsdPerRequest=0.001'];

  it('keeps the restricted plan when the re-solve ends without a point or with a worse one', async () => {
    const input = await simSmall(overrides);
    const options = { strategy: 'lp-rolling' as const, relativeGap: 0.01, timeLimitSec: 60 };
    const none = await sabotagedWideSolves('none');
    const kept = await planCapacity(input, none.solve, 'glpk', options);
    expect(none.sabotaged()).toBeGreaterThan(10);
    expect(kept.plan.windows).toHaveLength(input.windows.length);
    expect(kept.solver.reason).toMatch(/windows needed every config/);
    const worse = await sabotagedWideSolves('worse');
    const notTaken = await planCapacity(input, worse.solve, 'glpk', options);
    expect(worse.sabotaged()).toBe(none.sabotaged());
    expect(notTaken.plan.windows).toEqual(kept.plan.windows);
    // Honest re-solves can only do as well or better than keeping the restricted plans.
    const honest = await planCapacity(input, await glpkSolve(), 'glpk', options);
    expect(honest.solver.objective!).toBeLessThanOrEqual(kept.solver.objective! + 1e-6);
  });
});
