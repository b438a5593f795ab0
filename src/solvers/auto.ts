import { isMip, type Program } from '../lp/types.js';
import { DEFAULT_RELATIVE_GAP, type Solution, type SolveOptions, type Solver } from './types.js';

/**
 * `auto`: each program goes to the backend that is fastest for its kind (measurements: bench/results and
 * notes/solvers.md), and the choice depends on the program alone, never on time:
 * - small MILPs (<= SMALL_MILP_COLUMNS): glpk.js first, within GLPK_MILP_GAP and GLPK_MILP_TICKS of work
 *   (glpk.js's branch-and-bound has a heavy tail on symmetric SKU sets, which HiGHS handles); whatever
 *   glpk.js does not prove optimal within that work HiGHS solves again, so which backend answers is decided
 *   by deterministic work counts.
 * - small LPs (<= SMALL_LP_COLUMNS): glpk.js, HiGHS again if glpk.js stops at its work limit.
 * - everything else, above all the horizon LP relaxations (100k+ columns): HiGHS.
 */
export const SMALL_MILP_COLUMNS = 150;
export const SMALL_LP_COLUMNS = 5000;
const GLPK_MILP_GAP = 0.002;
/** glpk.js work clock ticks for one small MILP before HiGHS takes over (see solvers/glpk.ts). */
export const GLPK_MILP_TICKS = 50_000;

/**
 * `highs` may be given as a loader: the HiGHS wasm module is then loaded on the first program that needs it,
 * so a short command whose programs glpk.js settles never pays for it.
 */
export function createAutoSolver(highsSource: Solver | (() => Promise<Solver>), glpk: Solver): Solver {
  let loaded: Promise<Solver> | undefined;
  const highsSolver = (): Promise<Solver> => (loaded ??= typeof highsSource === 'function' ? highsSource() : Promise.resolve(highsSource));
  const highs = { solve: async (program: Program, options: SolveOptions) => (await highsSolver()).solve(program, options) };
  // The solution names auto as its solver (the conformance contract); rawStatus says which backend answered.
  const stamped = (solution: Solution): Solution => ({
    ...solution,
    solver: 'auto',
    rawStatus: `${solution.solver}: ${solution.rawStatus}`,
  });
  return {
    name: 'auto',
    async solve(program: Program, options: SolveOptions = {}): Promise<Solution> {
      const columns = program.objective.length;
      const mip = isMip(program);
      if (columns > (mip ? SMALL_MILP_COLUMNS : SMALL_LP_COLUMNS)) return stamped(await highs.solve(program, options));
      const started = performance.now();
      const first = await glpk.solve(program, {
        ...options,
        ...(mip
          ? {
              relativeGap: Math.min(options.relativeGap ?? DEFAULT_RELATIVE_GAP, GLPK_MILP_GAP),
              workLimit: { iterations: GLPK_MILP_TICKS },
            }
          : {}),
      });
      if (first.status === 'optimal' || first.status === 'infeasible' || first.status === 'unbounded' || first.limit === 'time')
        return stamped(first);
      const left = options.timeLimitSec === undefined ? undefined : options.timeLimitSec - (performance.now() - started) / 1000;
      const second = await highs.solve(program, { ...options, ...(left !== undefined ? { timeLimitSec: Math.max(left, 0.001) } : {}) });
      // HiGHS without a point: glpk.js's incumbent, if it had one, is still an answer.
      return stamped(
        second.values || !first.values ? second : { ...first, ...(second.limit === 'time' ? { limit: 'time' as const } : {}) },
      );
    },
  };
}
