import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenarioFile, planScenario } from '../../src/index.js';
import { planCapacity } from '../../src/capacity/solve.js';
import type { Candidate, PlanningInput } from '../../src/capacity/types.js';
import { getSolver } from '../../src/solvers/registry.js';
import { checkPlan } from '../../src/validate/check-plan.js';
import { lcg } from '../solvers/cases.js';

/**
 * Slow configs (a few hundredths of a request/s per replica) shared by the routes of many origins: plan.json
 * rounds each route to 1e-6 req/s, which is up to 1e-5 replicas of load per route on such a config, so a
 * capacity tolerance that ignores the rounding rejects a plan the solver got right.
 */
function slowSharedInput(seed: number): PlanningInput {
  const random = lcg(seed * 104729 + 3);
  const regions = Array.from({ length: 4 + Math.floor(random() * 5) }, (_, i) => `r${i}`);
  const serving = regions.slice(0, 1 + Math.floor(random() * 2));
  const skus = [
    {
      sku: 'one-gpu',
      gpu: 'G',
      gpusPerVm: 1,
      prices: serving.map((region) => ({ region, purchase: 'on-demand' as const, usdPerHour: 2 })),
    },
  ];
  const candidates: Candidate[] = serving.map((region) => ({
    llm: 'big-llm',
    sku: 'one-gpu',
    tp: 1,
    region,
    requestsPerSecByWorkload: new Map([['chat', Math.round((0.02 + 0.06 * random()) * 1e4) / 1e4]]),
  }));
  const windows = [{ start: '2024-05-10T00:00:00Z', hours: 1 }];
  return {
    windows,
    regions,
    purchases: ['on-demand'],
    skus,
    workloads: [{ id: 'chat', origins: regions, maxNetworkRttMs: 100, unmetPenaltyUsdPerRequest: 10 }],
    candidates,
    demand: [regions.map(() => [random() * 0.3 + 1e-4])],
    latencyMs: (a, b) => (a === b ? 2 : 20),
    policies: { headroom: 0.1, startupHours: 0, quotas: [], currentFleet: [] },
  };
}

describe('validate on slow configs shared by many routes', () => {
  it('accepts every plan the solver returns (200 random instances)', async () => {
    const solver = await getSolver('highs');
    for (let seed = 1; seed <= 200; seed++) {
      const input = slowSharedInput(seed);
      const { plan } = await planCapacity(input, (program, options) => solver.solve(program, options), 'highs', { strategy: 'joint' });
      const check = checkPlan(input, plan);
      expect(check.violations, `seed ${seed}`).toEqual([]);
      expect(plan.totals.unmetRequests, `seed ${seed}`).toBe(0);
    }
  });
});

describe('validate on a slow config under kvMemory: load (found by the solve fuzz)', () => {
  const file = join(import.meta.dirname, '..', 'fixtures', 'scenarios', 'kv-slow-shared.yaml');

  it('passes its own check where the KV row binds, and still refuses a route 1% over', async () => {
    const loaded = await loadScenarioFile(file);
    // Before the KV row allowed the routes' rounding, planScenario threw "the solved plan fails its own check".
    const { result } = await planScenario(loaded, { solver: 'glpk' });
    const share = result.plan.policies?.kvMemory?.highestShareOfFree ?? 0;
    expect(share).toBeGreaterThan(0.9999);
    expect(checkPlan(loaded.input, result.plan).violations).toEqual([]);

    const window = result.plan.windows[0]!;
    const busiest = [...window.routes].sort((a, b) => b.requestsPerSec - a.requestsPerSec)[0]!;
    const tampered = structuredClone(result.plan);
    tampered.windows[0]!.routes = window.routes.map((r) => (r === busiest ? { ...r, requestsPerSec: r.requestsPerSec * 1.01 } : r));
    // The unmet figure moves too, so only the KV (and capacity) rows can see the extra load.
    expect(checkPlan(loaded.input, tampered).violations.map((v) => v.group)).toContain('kv-memory');
  });
});
