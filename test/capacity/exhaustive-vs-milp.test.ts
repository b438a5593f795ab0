import { describe, expect, it } from 'vitest';
import { planCapacity, planObjective } from '../../src/capacity/solve.js';
import { solveExhaustive } from '../../src/heuristics/exhaustive.js';
import { getSolver } from '../../src/solvers/registry.js';
import { checkPlan } from '../../src/validate/check-plan.js';
import { randomTinyInput } from '../support/tiny-planning.js';

const SEEDS = Array.from({ length: 60 }, (_, i) => i + 1);

describe('MILP = exhaustive enumeration on random tiny instances', () => {
  it.each(SEEDS)('seed %i', async (seed) => {
    const input = randomTinyInput(seed);
    const oracle = solveExhaustive(input);
    const solver = await getSolver('highs');
    const { plan, solver: report } = await planCapacity(input, (program, options) => solver.solve(program, options), 'highs', {
      strategy: 'joint',
      relativeGap: 1e-9,
    });
    expect(report.status).toBe('optimal');
    // Same optimum (the plan rounds window costs to the cent).
    expect(planObjective(input, plan)).toBeCloseTo(oracle.objective, 1);
    expect(Math.abs(planObjective(input, plan) - oracle.objective)).toBeLessThanOrEqual(
      0.01 * input.windows.length + 1e-6 * oracle.objective,
    );
    // The plan passes the independent checker, and its cost adds up three ways.
    const check = checkPlan(input, plan);
    expect(check.violations).toEqual([]);
    const windowSum = plan.windows.reduce((sum, w) => sum + w.costUsd, 0);
    expect(plan.totals.costUsd).toBeCloseTo(windowSum, 6);
    const priced = plan.windows.reduce((sum, w) => sum + w.vms.reduce((s, vm) => s + vm.count * vm.usdPerHour * w.hours, 0), 0);
    expect(Math.abs(plan.totals.costUsd - priced)).toBeLessThanOrEqual(0.01 * plan.windows.length);
    expect(Math.abs(check.costUsd - plan.totals.costUsd)).toBeLessThanOrEqual(0.01 * plan.windows.length + 1e-9);
    expect(check.unmetRequests).toBe(plan.totals.unmetRequests);
  });

  it('the generated instances are not trivial: some need several VMs, some leave demand unmet', () => {
    const results = SEEDS.map((seed) => solveExhaustive(randomTinyInput(seed)));
    expect(results.filter((r) => r.fleets.some((f) => [...f.values()].reduce((a, b) => a + b, 0) >= 2)).length).toBeGreaterThan(10);
    expect(results.filter((r) => r.unmetRequests > 0).length).toBeGreaterThan(0);
    expect(results.filter((r) => r.unmetRequests === 0).length).toBeGreaterThan(30);
  });
});
