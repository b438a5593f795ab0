import { describe, expect, it } from 'vitest';
import { assemblePlan } from '../../src/capacity/plan.js';
import type { PlanningInput, PlanWindow } from '../../src/capacity/types.js';
import { rerouteUnmet } from '../../src/heuristics/reroute.js';
import { checkPlan } from '../../src/validate/check-plan.js';
import { greedyPlan } from '../../src/heuristics/gh.js';
import { randomTinyInput } from '../support/tiny-planning.js';

// Origin east reaches only region east; origin west reaches both. One 1-GPU replica per region, 1 req/s each.
function input(demandEast: number, demandWest: number): PlanningInput {
  return {
    windows: [{ start: '2024-05-10T00:00:00Z', hours: 1 }],
    regions: ['east', 'west'],
    purchases: ['on-demand'],
    skus: [
      {
        sku: 'one-gpu',
        gpu: 'A10',
        gpusPerVm: 1,
        prices: [
          { region: 'east', purchase: 'on-demand', usdPerHour: 1 },
          { region: 'west', purchase: 'on-demand', usdPerHour: 1 },
        ],
      },
    ],
    workloads: [{ id: 'chat', origins: ['east', 'west'], maxNetworkRttMs: 30, unmetPenaltyUsdPerRequest: 0.01 }],
    candidates: ['east', 'west'].map((region) => ({
      llm: 'm',
      sku: 'one-gpu',
      tp: 1,
      region,
      requestsPerSecByWorkload: new Map([['chat', 1]]),
    })),
    demand: [[[demandEast], [demandWest]]],
    latencyMs: (origin, region) => (origin === region ? 2 : origin === 'west' ? 20 : 60),
    policies: { headroom: 0, startupHours: 0, quotas: [], currentFleet: [] },
  };
}

const route = (origin: string, region: string, requestsPerSec: number) => ({
  workload: 'chat',
  origin,
  llm: 'm',
  sku: 'one-gpu',
  tp: 1,
  region,
  requestsPerSec,
});

/** Greedy's stranding: west's demand went to east's replica first, so east's origin finds it full. */
function strandedWindow(westOnEast: number, eastUnmet: number, westOnWest = 0): PlanWindow {
  return windowWith([route('west', 'east', westOnEast), ...(westOnWest ? [route('west', 'west', westOnWest)] : [])], eastUnmet);
}

function windowWith(routes: PlanWindow['routes'], eastUnmet: number): PlanWindow {
  return {
    index: 0,
    start: '2024-05-10T00:00:00Z',
    hours: 1,
    costUsd: 0,
    gpuHours: 0,
    vms: ['east', 'west'].map((region) => ({
      region,
      sku: 'one-gpu',
      purchase: 'on-demand' as const,
      count: 1,
      usdPerHour: 1,
      started: 0,
    })),
    replicas: ['east', 'west'].map((region) => ({ llm: 'm', sku: 'one-gpu', tp: 1, region, count: 1 })),
    routes,
    unmet: eastUnmet ? [{ workload: 'chat', origin: 'east', requestsPerSec: eastUnmet }] : [],
  };
}

describe('rerouteUnmet (what greedy routing strands, served on the same fleet)', () => {
  it('moves the other origin to its spare replica and serves the stranded origin in its place', () => {
    const scenario = input(0.5, 0.7);
    const stranded = assemblePlan(scenario, [strandedWindow(0.7, 0.5)], 'feasible');
    expect(checkPlan(scenario, stranded).ok).toBe(true);
    const rerouted = rerouteUnmet(scenario, stranded);
    expect(checkPlan(scenario, rerouted).ok).toBe(true);
    expect(rerouted.windows[0]!.unmet).toEqual([]);
    // Both origins served in full: east 0.3 on its region's spare replica, then 0.2 with west moving over.
    const served = (origin: string) =>
      rerouted.windows[0]!.routes.filter((r) => r.origin === origin).reduce((sum, r) => sum + r.requestsPerSec, 0);
    expect(served('east')).toBeCloseTo(0.5, 9);
    expect(served('west')).toBeCloseTo(0.7, 9);
    expect(rerouted.windows[0]!.routes.every((r) => r.origin !== 'east' || r.region === 'east')).toBe(true);
    // The fleet and its cost do not move; only the unmet requests go.
    expect(rerouted.totals.costUsd).toBe(stranded.totals.costUsd);
    expect(rerouted.windows[0]!.vms).toEqual(stranded.windows[0]!.vms);
    expect(stranded.totals.unmetRequests).toBeCloseTo(0.5 * 3600, 6);
    expect(rerouted.totals.unmetRequests).toBeCloseTo(0, 6);
  });

  it('serves only what the fleet has room for, and leaves a plan with no room as it was', () => {
    // Demand 1.2 + 1 on 2 req/s of replicas: 0.2 stays unmet whatever the routes.
    const tight = input(1.2, 1);
    const plan = assemblePlan(tight, [strandedWindow(0.5, 1.2, 0.5)], 'feasible');
    const rerouted = rerouteUnmet(tight, plan);
    expect(checkPlan(tight, rerouted).ok).toBe(true);
    expect(rerouted.windows[0]!.unmet).toEqual([{ workload: 'chat', origin: 'east', requestsPerSec: 0.2 }]);
    // Both replicas full, each origin at home: nothing to move, the same plan object back.
    const full = assemblePlan(tight, [windowWith([route('east', 'east', 1), route('west', 'west', 1)], 0.2)], 'feasible');
    expect(checkPlan(tight, full).ok).toBe(true);
    expect(rerouteUnmet(tight, full)).toBe(full);
  });

  it('keeps GH plans valid, at the same cost and never more unmet, on 300 random tiny instances', () => {
    let improved = 0;
    for (let seed = 1; seed <= 300; seed++) {
      const tiny = randomTinyInput(seed);
      const gh = greedyPlan(tiny);
      const rerouted = rerouteUnmet(tiny, gh);
      const ghOk = checkPlan(tiny, gh).ok;
      if (ghOk) expect(checkPlan(tiny, rerouted).violations, `seed ${seed}`).toEqual([]);
      expect(rerouted.totals.costUsd, `seed ${seed}`).toBe(gh.totals.costUsd);
      expect(rerouted.totals.unmetRequests, `seed ${seed}`).toBeLessThanOrEqual(gh.totals.unmetRequests + 1e-6);
      if (rerouted !== gh) {
        expect(rerouted.totals.unmetRequests, `seed ${seed}`).toBeLessThan(gh.totals.unmetRequests);
        improved++;
      }
    }
    // Some of these instances strand demand, so the checks above do see re-routed plans.
    expect(improved).toBeGreaterThan(0);
  });
});
