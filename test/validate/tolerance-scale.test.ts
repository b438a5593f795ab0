import { describe, expect, it } from 'vitest';
import { planCapacity } from '../../src/capacity/solve.js';
import type { Plan, PlanningInput } from '../../src/capacity/types.js';
import { getSolver } from '../../src/solvers/registry.js';
import { checkPlan } from '../../src/validate/check-plan.js';

/**
 * The checker's rows (demand, deadlines, in-region share) compare with tolerances relative to what they
 * compare (src/validate/tolerance.ts), so they hold at both ends of the request scale: a request that is a
 * whole conversation (1e-4 req/s per replica) and one that is a token (2e5 req/s per replica). An absolute
 * epsilon of 1e-5 req/s lets a whole origin's demand vanish at the first, and refuses the solver's own plan
 * at the second (its tolerance is relative to the rates it solved in).
 */
function scaledInput(rate: number, demand: number, extra: { deadlineHours?: number; minInRegionShare?: number } = {}): PlanningInput {
  const regions = ['a', 'b'];
  return {
    windows: [0, 1, 2].map((t) => ({ start: `2024-05-10T0${t}:00:00Z`, hours: 1 })),
    regions,
    purchases: ['on-demand'],
    skus: [
      {
        sku: 'one-gpu',
        gpu: 'G',
        gpusPerVm: 1,
        prices: regions.map((region, i) => ({ region, purchase: 'on-demand' as const, usdPerHour: 2 + 4 * i })),
      },
    ],
    workloads: [
      {
        id: 'w',
        origins: regions,
        maxNetworkRttMs: 100,
        unmetPenaltyUsdPerRequest: 1e3 / rate,
        ...(extra.deadlineHours ? { deadlineHours: extra.deadlineHours } : {}),
      },
    ],
    candidates: regions.map((region) => ({
      llm: 'llm',
      sku: 'one-gpu',
      tp: 1,
      region,
      requestsPerSecByWorkload: new Map([['w', rate]]),
    })),
    // Per origin and window: uneven, so routes cross regions and deferrable work moves between windows.
    demand: [regions.map((_, o) => [1, 0.3, 2.2].map((f) => demand * f * (1 + 0.37 * o)))],
    latencyMs: (x, y) => (x === y ? 2 : 20),
    policies: {
      headroom: 0.1,
      startupHours: 0,
      quotas: [],
      currentFleet: [],
      ...(extra.minInRegionShare !== undefined ? { locality: { minInRegionShare: extra.minInRegionShare, nPlusOne: false } } : {}),
    },
  };
}

async function solve(input: PlanningInput): Promise<Plan> {
  const highs = await getSolver('highs');
  const { plan } = await planCapacity(input, (program, options) => highs.solve(program, options), 'highs', { strategy: 'joint' });
  return plan;
}

describe('check tolerances at the extremes of the request scale', () => {
  it('tiny: conversations at 1e-4 req/s per replica; a vanished origin (8e-6 req/s) is a demand violation', async () => {
    const input = scaledInput(1e-4, 8e-6);
    const plan = await solve(input);
    expect(checkPlan(input, plan).violations).toEqual([]);
    expect(plan.totals.unmetRequests).toBe(0);

    const tampered = structuredClone(plan);
    tampered.windows[0]!.routes = tampered.windows[0]!.routes.filter((r) => r.origin !== 'a');
    const violations = checkPlan(input, tampered).violations;
    expect(violations.map((v) => `${v.group} ${v.region}`)).toContain('demand a');
  });

  it('tiny: deferrable conversations (deadline 2 h): a last window served by nobody is a deadline violation', async () => {
    const input = scaledInput(1e-4, 8e-6, { deadlineHours: 2 });
    const plan = await solve(input);
    expect(checkPlan(input, plan).violations).toEqual([]);

    // 0.03 requests an hour: far under an absolute 1e-5 req/s x 3600 s per window, yet all of the last window's work.
    const tampered = structuredClone(plan);
    tampered.windows[2]!.routes = [];
    expect(checkPlan(input, tampered).violations.map((v) => v.group)).toContain('deadline');
  });

  it('large: tokens at 2e5 req/s per replica; the solver plan passes, a route 0.1% off does not', async () => {
    const input = scaledInput(2e5, 3e6);
    const plan = await solve(input);
    expect(checkPlan(input, plan).violations).toEqual([]);

    const tampered = structuredClone(plan);
    const route = tampered.windows[2]!.routes[0]!;
    route.requestsPerSec *= 1.001;
    expect(checkPlan(input, tampered).violations.map((v) => v.group)).toContain('demand');
  });

  it('large: deferrable tokens (deadline 2 h) pass the deadline rows; 0.1% of a window left undone does not', async () => {
    const input = scaledInput(2e5, 3e6, { deadlineHours: 2 });
    const plan = await solve(input);
    expect(checkPlan(input, plan).violations).toEqual([]);

    const tampered = structuredClone(plan);
    const last = tampered.windows[2]!;
    for (const route of last.routes) route.requestsPerSec *= 0.999;
    expect(checkPlan(input, tampered).violations.map((v) => v.group)).toContain('deadline');
  });

  it('large: the in-region share row (minInRegionShare 0.8) passes the solver plan; a local route cut 1% fails it', async () => {
    const input = scaledInput(2e5, 3e6, { minInRegionShare: 0.8 });
    const plan = await solve(input);
    expect(checkPlan(input, plan).violations).toEqual([]);
    // Region b costs three times a: origin b sends a what the share allows (the replicas are whole, so a little less).
    const routesOfB = (p: Plan) => p.windows[0]!.routes.filter((r) => r.origin === 'b');
    const all = routesOfB(plan).reduce((sum, r) => sum + r.requestsPerSec, 0);
    expect(routesOfB(plan).find((r) => r.region === 'a')!.requestsPerSec).toBeGreaterThan(0.1 * all);

    // Served in b: 79% instead of at least 80%, the total unchanged.
    const tampered = structuredClone(plan);
    for (const route of routesOfB(tampered)) route.requestsPerSec = (route.region === 'b' ? 0.79 : 0.21) * all;
    expect(checkPlan(input, tampered).violations.map((v) => v.group)).toContain('locality');
  });
});
