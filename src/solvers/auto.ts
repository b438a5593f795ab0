import { isMip, type Program } from '../lp/types.js';
import { DEFAULT_RELATIVE_GAP, type Solution, type SolveOptions, type Solver } from './types.js';

/**
 * `auto`: each program goes to the backend measured fastest for its kind (npm run bench -- planner, 2 cores):
 * - small MILPs (<= SMALL_MILP_COLUMNS): glpk.js. The week's lp-rolling windows (about 105 columns) take
 *   2.6 ms each in glpk.js against 33 ms in HiGHS (0.43 s against 5.5 s for the 168 of them). glpk.js stops
 *   at its first incumbent within the gap, so it is asked for at most 0.2% (no slower here, and the week's
 *   plan comes out 0.69% from its bound instead of 0.79%). A glpk.js result that is not proven optimal is
 *   solved again by HiGHS, and so is one glpk.js does not finish in GLPK_MILP_TIME_CAP_SEC. The six-region week's windows (about 212 columns) are where glpk.js's
 *   branch-and-bound stalls (123 of 168 windows unfinished after 2 s): they stay with HiGHS.
 * - small LPs (<= SMALL_LP_COLUMNS): glpk.js (a one-window LP relaxation, the simulator's dispatch LPs).
 * - everything else, above all the horizon LP relaxations (100k+ columns): HiGHS, which solves the week's LP
 *   in 3 s where glpk.js does not finish in 25 s.
 * The choice depends on the program only, so plans stay deterministic.
 */
export const SMALL_MILP_COLUMNS = 150;
export const SMALL_LP_COLUMNS = 5000;
const GLPK_MILP_GAP = 0.002;
/**
 * glpk.js's branch-and-bound has a heavy tail on some small MILPs: with SKUs of one GPU in several sizes at
 * proportional prices (symmetric; HiGHS detects symmetry, glpk.js does not), e.g. the default week on the
 * four A100-80GB SKUs, 97 of 168 windows did not finish in their time share (108 s, 11.7% gap in all). So it
 * gets this long (the default week's slowest window takes 28 ms) before HiGHS takes over. The price: that
 * A100-80GB week takes 28 s against HiGHS's 13 s, and a window glpk.js finishes within a hair of the cap
 * could come out differently from run to run (both answers within the gap).
 */
export const GLPK_MILP_TIME_CAP_SEC = 0.1;

export function createAutoSolver(highs: Solver, glpk: Solver): Solver {
  // The solution names auto as its solver (the conformance contract); rawStatus says which backend answered.
  const stamped = (solution: Solution): Solution => ({ ...solution, solver: 'auto', rawStatus: `${solution.solver}: ${solution.rawStatus}` });
  return {
    name: 'auto',
    async solve(program: Program, options: SolveOptions = {}): Promise<Solution> {
      const columns = program.objective.length;
      if (!isMip(program)) return stamped(await (columns <= SMALL_LP_COLUMNS ? glpk : highs).solve(program, options));
      if (columns > SMALL_MILP_COLUMNS) return stamped(await highs.solve(program, options));
      const started = performance.now();
      const relativeGap = Math.min(options.relativeGap ?? DEFAULT_RELATIVE_GAP, GLPK_MILP_GAP);
      const first = await glpk.solve(program, { ...options, relativeGap, timeLimitSec: Math.min(options.timeLimitSec ?? Infinity, GLPK_MILP_TIME_CAP_SEC) });
      if (first.status === 'optimal' || first.status === 'infeasible' || first.status === 'unbounded') return stamped(first);
      const left = options.timeLimitSec === undefined ? undefined : options.timeLimitSec - (performance.now() - started) / 1000;
      if (left !== undefined && left <= 0.01) return stamped(first);
      const second = await highs.solve(program, { ...options, ...(left !== undefined ? { timeLimitSec: left } : {}) });
      // HiGHS without a point in the time left: glpk.js's incumbent, if it had one, is still an answer.
      return stamped(second.values || !first.values ? second : first);
    },
  };
}
