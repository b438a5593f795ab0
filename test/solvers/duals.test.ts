import { describe, expect, it } from 'vitest';
import { Problem, linear, type Program } from '../../src/lp/index.js';
import { getSolver, listSolverNames } from '../../src/solvers/registry.js';
import { buildMelange } from './cases.js';

/**
 * Row duals (Solution.duals) of an optimal LP, for every backend: the values a hand computation gives where
 * they are unique, and on a larger LP a dual certificate (reduced costs of the right sign, and the dual
 * objective equal to the primal one: strong duality), which holds only for a correct dual.
 */

/** min 2x + 3y, x + y >= 4, x <= 3 (a row): x = 3, y = 1; y0 = 3 (y's reduced cost 0), y1 = 2 - 3 = -1. */
function minimise(): Program {
  const p = new Problem();
  const x = p.addVariable({ label: 'x', objective: 2 });
  const y = p.addVariable({ label: 'y', objective: 3 });
  p.addConstraint(
    'cover',
    linear([
      [x, 1],
      [y, 1],
    ]),
    '>=',
    4,
  );
  p.addConstraint('cap', linear([[x, 1]]), '<=', 3);
  return p.compile();
}

/** max 3x + 2y, x + y <= 4, x + 3y <= 7 (slack at x = 3, y = 1), x <= 3: y0 = 2, y1 = 0, y2 = 1. */
function maximise(): Program {
  const p = new Problem();
  p.setDirection('maximize');
  const x = p.addVariable({ label: 'x', objective: 3 });
  const y = p.addVariable({ label: 'y', objective: 2 });
  p.addConstraint(
    'a',
    linear([
      [x, 1],
      [y, 1],
    ]),
    '<=',
    4,
  );
  p.addConstraint(
    'b',
    linear([
      [x, 1],
      [y, 3],
    ]),
    '<=',
    7,
  );
  p.addConstraint('c', linear([[x, 1]]), '<=', 3);
  return p.compile();
}

/** Reduced costs c - A'y and the dual objective sum of y_i x (the active row bound) + d_j x (the active column bound). */
function certificate(program: Program, values: Float64Array, duals: Float64Array, tolerance: number): string[] {
  const sign = program.direction === 'minimize' ? 1 : -1;
  const reduced = Float64Array.from(program.objective);
  const activity = new Float64Array(program.rowLower.length);
  for (let row = 0; row < program.rowLower.length; row++) {
    for (let k = program.rowStarts[row]!; k < program.rowStarts[row + 1]!; k++) {
      reduced[program.rowColumns[k]!]! -= program.rowValues[k]! * duals[row]!;
      activity[row]! += program.rowValues[k]! * values[program.rowColumns[k]!]!;
    }
  }
  const wrong: string[] = [];
  let dualObjective = program.objectiveConstant;
  for (let row = 0; row < duals.length; row++) {
    const y = sign * duals[row]!;
    if (y > tolerance && Math.abs(activity[row]! - program.rowLower[row]!) > 1e-6)
      wrong.push(`row ${row}: dual ${y} but not at its lower bound`);
    if (y < -tolerance && Math.abs(activity[row]! - program.rowUpper[row]!) > 1e-6)
      wrong.push(`row ${row}: dual ${y} but not at its upper bound`);
    if (Math.abs(y) > tolerance) dualObjective += duals[row]! * (y > 0 ? program.rowLower[row]! : program.rowUpper[row]!);
  }
  for (let j = 0; j < reduced.length; j++) {
    const d = sign * reduced[j]!;
    if (d > tolerance && Math.abs(values[j]! - program.columnLower[j]!) > 1e-6)
      wrong.push(`column ${j}: reduced cost ${d} off its lower bound`);
    if (d < -tolerance && Math.abs(values[j]! - program.columnUpper[j]!) > 1e-6)
      wrong.push(`column ${j}: reduced cost ${d} off its upper bound`);
    if (Math.abs(d) > tolerance) dualObjective += reduced[j]! * (d > 0 ? program.columnLower[j]! : program.columnUpper[j]!);
  }
  let primal = program.objectiveConstant;
  for (let j = 0; j < values.length; j++) primal += program.objective[j]! * values[j]!;
  if (Math.abs(dualObjective - primal) > 1e-6 * Math.max(1, Math.abs(primal)))
    wrong.push(`dual objective ${dualObjective} != primal ${primal}`);
  return wrong;
}

describe.each(listSolverNames())('row duals: %s', (solverName) => {
  it('are the hand-computed duals of a minimisation', async () => {
    const solution = await (await getSolver(solverName)).solve(minimise());
    expect(solution.objective).toBeCloseTo(9, 9);
    expect(Array.from(solution.duals!)).toEqual([expect.closeTo(3, 9), expect.closeTo(-1, 9)]);
  });

  it('are the hand-computed duals of a maximisation', async () => {
    const solution = await (await getSolver(solverName)).solve(maximise());
    expect(solution.objective).toBeCloseTo(11, 9);
    expect(Array.from(solution.duals!)).toEqual([expect.closeTo(2, 9), expect.closeTo(0, 9), expect.closeTo(1, 9)]);
  });

  it('form a dual certificate of a larger LP (strong duality, complementary slackness)', async () => {
    const program = { ...buildMelange(), integrality: new Uint8Array(buildMelange().integrality.length) };
    const solution = await (await getSolver(solverName)).solve(program);
    expect(solution.status).toBe('optimal');
    expect(solution.duals).toHaveLength(program.rowLower.length);
    expect(certificate(program, solution.values!, solution.duals!, 1e-7)).toEqual([]);
  });

  it('are absent for a MILP', async () => {
    const solution = await (await getSolver(solverName)).solve(buildMelange());
    expect(solution.status).toBe('optimal');
    expect(solution.duals).toBeUndefined();
  });
});
