import { Problem, sum } from '../lp/index.js';
import { getSolver, listSolverNames } from './registry.js';

export interface SolverAvailability {
  name: string;
  available: boolean;
  detail: string;
}

/** Which backends load here, proven by a one-variable MIP each (max x, x <= 3.5, x integer: 3). */
export async function probeSolvers(): Promise<SolverAvailability[]> {
  const problem = new Problem();
  const x = problem.addVariable({ label: 'x', type: 'integer', upper: 10 });
  problem.addConstraint('cap', sum([x]), '<=', 3.5);
  problem.setObjective(sum([x]), 'maximize');
  const program = problem.compile();
  const rows: SolverAvailability[] = [];
  for (const name of listSolverNames()) {
    try {
      const solver = await getSolver(name);
      const solution = await solver.solve(program);
      const ok = solution.status === 'optimal' && solution.objective === 3;
      rows.push({
        name,
        available: ok,
        detail: ok ? `ok (${(solution.seconds * 1000).toFixed(1)} ms)` : `${solution.status}: ${solution.rawStatus}`,
      });
    } catch (error) {
      rows.push({ name, available: false, detail: error instanceof Error ? error.message : String(error) });
    }
  }
  return rows;
}
