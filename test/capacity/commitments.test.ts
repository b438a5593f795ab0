import { describe, expect, it } from 'vitest';
import { summariseCommitments } from '../../src/capacity/commitment-summary.js';
import { planCapacity } from '../../src/capacity/solve.js';
import type { Plan, PlanningInput } from '../../src/capacity/types.js';
import { getSolver } from '../../src/solvers/registry.js';
import { checkPlan } from '../../src/validate/check-plan.js';

/**
 * One $1/h VM serving 1 req/s, no headroom or start-ups, two 1-hour windows needing 1 and then 3 VMs, and a
 * 1-year commitment at `committed` USD per VM-hour. Committing k VMs costs k x committed x 2 h for the
 * horizon, plus the VMs beyond k on demand: the first committed VM is used both hours (worth it below
 * $1/h), the second and third one hour of two (worth it below $0.50/h).
 */
function twoWindows(committed: number, growthPerMonth?: number): PlanningInput {
  return {
    windows: [
      { start: '2024-05-10T00:00:00Z', hours: 1 },
      { start: '2024-05-10T01:00:00Z', hours: 1 },
    ],
    regions: ['eastus'],
    purchases: ['on-demand', 'committed'],
    skus: [
      {
        sku: 'one',
        gpu: 'A10',
        gpusPerVm: 1,
        prices: [
          { region: 'eastus', purchase: 'on-demand', usdPerHour: 1 },
          { region: 'eastus', purchase: 'committed', usdPerHour: committed },
        ],
      },
    ],
    workloads: [{ id: 'chat', origins: ['eastus'], maxNetworkRttMs: 50, unmetPenaltyUsdPerRequest: 100 }],
    candidates: [{ llm: 'llm', sku: 'one', tp: 1, region: 'eastus', requestsPerSecByWorkload: new Map([['chat', 1]]) }],
    demand: [[[1, 3]]],
    latencyMs: () => 2,
    policies: {
      headroom: 0,
      startupHours: 0,
      quotas: [],
      currentFleet: [],
      commitments: [{ sku: 'one', region: 'eastus', term: '1y', usdPerHour: committed, onDemandUsdPerHour: 1 }],
      ...(growthPerMonth !== undefined ? { commitmentGrowthPerMonth: growthPerMonth } : {}),
    },
  };
}

/** The optimum by enumeration: k committed VMs for both hours, the rest of each hour's demand on demand. */
function bruteForce(committed: number): { count: number; cost: number } {
  const demand = [1, 3];
  let best = { count: -1, cost: Infinity };
  for (let k = 0; k <= 3; k++) {
    const cost = k * committed * demand.length + demand.reduce((sum, d) => sum + Math.max(0, d - k) * 1, 0);
    if (cost < best.cost - 1e-12) best = { count: k, cost };
  }
  return best;
}

const committedVms = (plan: Plan) =>
  plan.windows.map((w) => w.vms.filter((vm) => vm.purchase === 'committed').reduce((sum, vm) => sum + vm.count, 0));
const cost = (plan: Plan) => plan.totals.costUsd + plan.totals.startupCostUsd;

describe('commitments on a hand-checked two-window instance', () => {
  for (const committed of [0.4, 0.6, 0.9]) {
    for (const strategy of ['joint', 'lp-rolling'] as const) {
      it(`at $${committed}/h, ${strategy} buys the brute-force optimum`, async () => {
        const highs = await getSolver('highs');
        const result = await planCapacity(twoWindows(committed), highs.solve.bind(highs), 'highs', { strategy, relativeGap: 1e-9 });
        const best = bruteForce(committed);
        expect(committedVms(result.plan)).toEqual([best.count, best.count]);
        expect(cost(result.plan)).toBeCloseTo(best.cost, 9);
        expect(result.plan.totals.unmetRequests).toBe(0);
        expect(checkPlan(twoWindows(committed), result.plan).violations).toEqual([]);
      });
    }
  }

  it('buys 1 at $0.60/h and 3 at $0.40/h: the break-even utilisation is the price ratio', () => {
    expect(bruteForce(0.6).count).toBe(1);
    expect(bruteForce(0.4).count).toBe(3);
  });

  it('states utilisation, break-even, share and saving as computed by hand', async () => {
    const highs = await getSolver('highs');
    const input = twoWindows(0.6);
    const result = await planCapacity(input, highs.solve.bind(highs), 'highs', { strategy: 'joint', relativeGap: 1e-9 });
    const summary = summariseCommitments(input, result.plan);
    // 1 committed VM, used both hours; 2 + 4 = 6 VM-hours in all, 2 of them committed.
    expect(summary.bought).toEqual([
      {
        sku: 'one',
        region: 'eastus',
        term: '1y',
        count: 1,
        usdPerHour: 0.6,
        onDemandUsdPerHour: 1,
        hourlyCostUsd: 0.6,
        monthlyCostUsd: 438,
        termCostUsd: 5256,
        utilisation: 1,
        breakEvenUtilisation: 0.6,
        committedShare: 0.5,
        // 2 used VM-hours at $1 less 2 h x $0.60.
        horizonSavingUsd: 0.8,
        termSavingUsd: 3504,
      },
    ]);
    expect(summary.committedShare).toBeCloseTo(2 / 4, 9);
  });

  it('states a committed VM idle half the time at 50% utilisation', () => {
    const input = twoWindows(0.4);
    const window = (t: number, onDemand: number): Plan['windows'][number] => ({
      index: t,
      start: input.windows[t]!.start,
      hours: 1,
      costUsd: 0,
      gpuHours: 0,
      vms: [
        { region: 'eastus', sku: 'one', purchase: 'committed', count: 2, usdPerHour: 0.4, started: 0 },
        ...(onDemand ? [{ region: 'eastus', sku: 'one', purchase: 'on-demand' as const, count: onDemand, usdPerHour: 1, started: 1 }] : []),
      ],
      replicas: [{ llm: 'llm', sku: 'one', tp: 1, region: 'eastus', count: t === 0 ? 1 : 3 }],
      routes: [],
      unmet: [],
    });
    const summary = summariseCommitments(input, { windows: [window(0, 0), window(1, 1)] });
    // Used: 1 of 2 in hour 0, 2 of 2 in hour 1 = 3 of 4 committed VM-hours; saving 3 x $1 - 4 x $0.40.
    expect(summary.bought[0]!.utilisation).toBe(0.75);
    expect(summary.bought[0]!.horizonSavingUsd).toBeCloseTo(1.4, 9);
    expect(summary.bought[0]!.committedShare).toBeCloseTo(4 / 5, 6);
  });

  it('refuses rolling and per-window, which cannot hold a count over the horizon', async () => {
    const highs = await getSolver('highs');
    await expect(planCapacity(twoWindows(0.6), highs.solve.bind(highs), 'highs', { strategy: 'rolling' })).rejects.toThrow(
      /commitment counts hold over the whole horizon/,
    );
  });
});

/**
 * Growth: the two windows repeat for the 1-year term's 12 months with demand x (1 + g)^m in month m. The k-th
 * committed VM's term utilisation is the mean over the months of its use with the fleet scaled so; the count
 * minimises the term's cost with the on-demand fleet scaled the same way (fractional VMs: the documented
 * approximation), found here by enumeration.
 */
function bruteForceTerm(committed: number, growth: number): number {
  const demand = [1, 3];
  const factors = Array.from({ length: 12 }, (_, m) => (1 + growth) ** m);
  let best = { count: -1, cost: Infinity };
  for (let k = 0; k <= 12; k++) {
    const cost = factors.reduce(
      (sum, f) => sum + k * committed * demand.length + demand.reduce((s, d) => s + Math.max(0, d * f - k), 0),
      0,
    );
    if (cost < best.cost - 1e-12) best = { count: k, cost };
  }
  return best.count;
}

describe('commitments with demand growth over the term (commitmentGrowthPerMonth)', () => {
  it('buys a second VM at $0.60/h with 5% a month: by hand, its term utilisation is 70.5% > 60%', async () => {
    // 2nd VM: used all of hour 1 and 1.05^m - 1 of hour 0 in month m: (1 + mean(1.05^m - 1)) / 2 = 0.7049.
    // 3rd VM: all of hour 1 (3 x 1.05^m - 2 >= 1), none of hour 0 (1.05^11 < 2): 0.5 < 0.6, not bought.
    expect(bruteForceTerm(0.6, 0.05)).toBe(2);
    const highs = await getSolver('highs');
    for (const strategy of ['joint', 'lp-rolling'] as const) {
      const input = twoWindows(0.6, 0.05);
      const result = await planCapacity(input, highs.solve.bind(highs), 'highs', { strategy, relativeGap: 1e-9 });
      expect(committedVms(result.plan), strategy).toEqual([2, 2]);
      expect(result.plan.totals.unmetRequests).toBe(0);
      expect(checkPlan(input, result.plan).violations).toEqual([]);
      const bought = result.plan.commitments!.bought[0]!;
      // Month m uses min(2, 1.05^m) + min(2, 3 x 1.05^m) = 1.05^m + 2 VM-hours of the 2 x 2 committed; the sum of
      // 1.05^m over 12 months is 15.917127, so 39.917127 VM-hours used at $1 against 12 x 2.4 paid, x 730/2 repeats.
      expect(bought.termUtilisation).toBeCloseTo(39.917127 / 48, 6);
      expect(bought.termSavingUsd).toBeCloseTo((39.917127 - 28.8) * 365, 2);
      expect(bought.utilisation).toBe(0.75);
      expect(result.plan.commitments!.growthPerMonth).toBe(0.05);
    }
  });

  it('never buys fewer as growth rises; each count is the term optimum by enumeration', async () => {
    const highs = await getSolver('highs');
    for (const committed of [0.4, 0.6, 0.9]) {
      for (const strategy of ['joint', 'lp-rolling'] as const) {
        let previous = -1;
        for (const growth of [0, 0.01, 0.03, 0.05, 0.1]) {
          const result = await planCapacity(twoWindows(committed, growth), highs.solve.bind(highs), 'highs', {
            strategy,
            relativeGap: 1e-9,
          });
          const [count] = committedVms(result.plan);
          expect(count, `$${committed}/h ${strategy} g=${growth}`).toBe(bruteForceTerm(committed, growth));
          expect(count!).toBeGreaterThanOrEqual(previous);
          expect(result.plan.status, `${committed} ${strategy} ${growth}: ${result.solver.reason}`).toBe('optimal');
          previous = count!;
        }
        // At $0.60/h growth turns 1 VM into at least 2 (the hand-checked case above).
        if (committed === 0.6) expect(previous).toBeGreaterThan(1);
      }
    }
  });
});
