import { ExitCode } from '../errors.js';
import { getSolver, listSolverNames } from '../solvers/registry.js';
import { Problem, sum } from '../lp/index.js';
import type { CliIo } from './io.js';

/** `planner solvers`: which backends load here, proven by a one-variable solve each. */
export async function solversCommand(options: { format: 'table' | 'json' }, io: CliIo): Promise<ExitCode> {
  const problem = new Problem();
  const x = problem.addVariable({ label: 'x', type: 'integer', upper: 10 });
  problem.addConstraint('cap', sum([x]), '<=', 3.5);
  problem.setObjective(sum([x]), 'maximize');
  const program = problem.compile();
  const rows: Array<{ name: string; available: boolean; detail: string }> = [];
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
  if (options.format === 'json') io.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
  else for (const row of rows) io.stdout.write(`${row.name.padEnd(8)} ${row.available ? 'available' : 'unavailable'}  ${row.detail}\n`);
  return rows.every((row) => row.available) ? ExitCode.ok : ExitCode.noPlan;
}
