import { describe, expect, it } from 'vitest';
import { planCapacity } from '../../src/capacity/solve.js';
import type { PlanningInput } from '../../src/capacity/types.js';
import { getSolver } from '../../src/solvers/registry.js';

/**
 * A day whose valley is shorter than a start-up is long: one region, one $1/h VM serving 1 req/s, start-up
 * worth 6 hours of it. Demand needs 4 VMs, then 1 for hours 10-13, then 4 again. Keeping all 4 through the
 * valley costs 24 x 4 + 4 starts x 6 = $120; letting 3 go saves 3 x 4 = $12 of running and costs 3 more
 * starts, $18: $126. Any other fleet leaves demand unmet at $100 a request. The optimum is $120.
 */
function valleyDay(): PlanningInput {
  const hours = Array.from({ length: 24 }, (_, t) => t);
  return {
    windows: hours.map((t) => ({ start: `2024-05-10T${String(t).padStart(2, '0')}:00:00Z`, hours: 1 })),
    regions: ['eastus'],
    purchases: ['on-demand'],
    skus: [{ sku: 'one', gpu: 'A10', gpusPerVm: 1, prices: [{ region: 'eastus', purchase: 'on-demand', usdPerHour: 1 }] }],
    workloads: [{ id: 'chat', origins: ['eastus'], maxNetworkRttMs: 50, unmetPenaltyUsdPerRequest: 100 }],
    candidates: [{ llm: 'llm', sku: 'one', tp: 1, region: 'eastus', requestsPerSecByWorkload: new Map([['chat', 1]]) }],
    demand: [[hours.map((t) => (t >= 10 && t < 14 ? 1 : 4))]],
    latencyMs: () => 2,
    policies: { headroom: 0, startupHours: 6, quotas: [], currentFleet: [] },
  };
}

describe('auto on a day with large start-up costs', () => {
  it('solves the joint MILP and finds the optimum a window-by-window plan misses', async () => {
    const highs = await getSolver('highs');
    const solve = highs.solve.bind(highs);
    const auto = await planCapacity(valleyDay(), solve, 'highs', { relativeGap: 1e-6 });
    expect(auto.solver.strategy).toBe('joint');
    const cost = (plan: typeof auto.plan) => plan.totals.costUsd + plan.totals.startupCostUsd;
    expect(cost(auto.plan)).toBeCloseTo(120, 6);
    expect(auto.plan.windows.map((w) => w.vms.reduce((n, vm) => n + vm.count, 0))).toEqual(Array(24).fill(4));
    const rolling = await planCapacity(valleyDay(), solve, 'highs', { strategy: 'lp-rolling', relativeGap: 1e-6 });
    expect(cost(rolling.plan)).toBeGreaterThanOrEqual(120 - 1e-6);
  });
});
