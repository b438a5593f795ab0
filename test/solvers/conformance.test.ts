import { describe, expect, it } from 'vitest';
import { checkFeasibility } from '../../src/lp/index.js';
import { getSolver, listSolverNames } from '../../src/solvers/registry.js';
import type { Solution } from '../../src/solvers/types.js';
import { conformanceCases } from './cases.js';

const statusesSeen = new Set<string>();

describe.each(listSolverNames())('conformance: %s', (solverName) => {
  it.each(conformanceCases.map((c) => [c.name, c] as const))('%s', async (_name, testCase) => {
    const solver = await getSolver(solverName);
    const program = testCase.build();
    const solution = await solver.solve(program, testCase.options);
    statusesSeen.add(`${solverName}:${solution.status}`);
    expect(solution.solver).toBe(solverName);
    expect(solution.rawStatus.length).toBeGreaterThan(0);
    expect(solution.seconds).toBeGreaterThanOrEqual(0);
    expect(solution.status, solution.rawStatus).toBe(testCase.expect.status);

    if (solution.status === 'optimal' || solution.status === 'feasible') {
      const values = solution.values!;
      expect(values).toHaveLength(program.objective.length);
      // The returned point satisfies every row, bound and integrality, and its objective is what was reported.
      const report = checkFeasibility(program, values, 1e-6);
      expect(report.violations).toEqual([]);
      expect(solution.objective).toBeCloseTo(report.objective, 6);
      expectBoundConsistent(solution, program.direction);
    }
    if (testCase.expect.objective !== undefined) expect(solution.objective).toBeCloseTo(testCase.expect.objective, 6);
    for (const [label, value] of Object.entries(testCase.expect.values ?? {})) {
      const column = program.columnLabels.indexOf(label);
      expect(solution.values![column], label).toBeCloseTo(value, 6);
    }
    if (solution.status === 'optimal') expect(solution.gap!).toBeLessThanOrEqual(testCase.options?.relativeGap ?? 1e-4);
    if (solution.status === 'feasible') {
      // Stopped early: a bound strictly better than the incumbent, so a positive gap.
      expect(solution.bound).toBeDefined();
      expect(solution.gap!).toBeGreaterThan(0);
    }
    if (['infeasible', 'unbounded', 'no_solution', 'error'].includes(solution.status)) {
      expect(solution.values).toBeUndefined();
      expect(solution.objective).toBeUndefined();
    }
  });

  it('reaches every status', () => {
    for (const status of ['optimal', 'feasible', 'infeasible', 'unbounded', 'no_solution', 'error']) {
      expect(statusesSeen.has(`${solverName}:${status}`), status).toBe(true);
    }
  });

  it('keeps solving after an error', async () => {
    const solver = await getSolver(solverName);
    const broken = conformanceCases.find((c) => c.expect.status === 'error')!;
    expect((await solver.solve(broken.build())).status).toBe('error');
    const knapsack = conformanceCases.find((c) => c.name.startsWith('knapsack'))!;
    expect((await solver.solve(knapsack.build())).objective).toBeCloseTo(knapsack.expect.objective!, 6);
  });

  it('sends log lines to the log option, never to stdout', async () => {
    const solver = await getSolver(solverName);
    const lines: string[] = [];
    const written: string[] = [];
    const original = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    }) as typeof process.stdout.write;
    try {
      const mip = conformanceCases.find((c) => c.name.startsWith('MIP where'))!;
      await solver.solve(mip.build(), { log: (line) => lines.push(line) });
      await solver.solve(mip.build());
    } finally {
      process.stdout.write = original;
    }
    expect(lines.length).toBeGreaterThan(0);
    expect(written).toEqual([]);
  });
});

function expectBoundConsistent(solution: Solution, direction: 'minimize' | 'maximize'): void {
  if (solution.bound === undefined || solution.objective === undefined) return;
  const slack = 1e-6 * Math.max(1, Math.abs(solution.objective));
  if (direction === 'minimize') expect(solution.bound).toBeLessThanOrEqual(solution.objective + slack);
  else expect(solution.bound).toBeGreaterThanOrEqual(solution.objective - slack);
}
