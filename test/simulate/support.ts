import { join } from 'node:path';
import type { PlanningInput } from '../../src/capacity/types.js';
import type { CliIo } from '../../src/commands/io.js';
import { loadScenarioFile } from '../../src/commands/scenario-inputs.js';
import { getSolver } from '../../src/solvers/registry.js';
import type { SolveFn } from '../../src/capacity/solve.js';

export const SIM_SMALL = join(import.meta.dirname, '..', 'fixtures', 'scenarios', 'sim-small.yaml');

const quietIo: CliIo = { stdout: { write: () => true }, stderr: { write: () => true }, env: {}, stdoutIsTty: false, cwd: process.cwd() };

export async function simSmall(overrides: string[] = []): Promise<PlanningInput> {
  return (await loadScenarioFile(SIM_SMALL, overrides, quietIo)).input;
}

/** glpk.js: fastest on these small window MILPs (measured: 0.7 s for the planner's 24 hours vs 9 s HiGHS). */
export async function glpkSolve(): Promise<SolveFn> {
  const solver = await getSolver('glpk');
  return (program, options) => solver.solve(program, options);
}
