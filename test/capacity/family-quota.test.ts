import { describe, expect, it } from 'vitest';
import { planCapacity } from '../../src/capacity/solve.js';
import type { Plan, PlanningInput, QuotaRule } from '../../src/capacity/types.js';
import { solveExhaustive } from '../../src/heuristics/exhaustive.js';
import { planHeuristic } from '../../src/heuristics/index.js';
import { getSolver } from '../../src/solvers/registry.js';
import { checkPlan } from '../../src/validate/check-plan.js';

/**
 * One region, one hour, 10 req/s, no headroom. Two L4 VMs of quota family G (a: 4 vCPUs, $1.00, b: 16 vCPUs,
 * $0.90, 2 req/s each) and an A100 VM of family P (c: 12 vCPUs, $3.00, 5 req/s). By hand:
 * - no quota: 5 b = $4.50 (b is cheapest per request);
 * - family G at most 40 vCPUs: 4a + 16b <= 40 with 2a + 2b + 5c >= 10; 1 b + 4 a = $4.90 (32 vCPUs) beats 5 a
 *   ($5.00) and 2 b + 2 a + 1 c ($6.80); a gpu quota cannot say this (a and b have the same GPU);
 * - family G at most 4 GPUs: 3 b + 1 c = $5.70 beats 4 b + 1 c ($6.60) and 2 c ($6.00).
 */
function input(quotas: QuotaRule[]): PlanningInput {
  const sku = (id: string, gpu: string, family: string, vcpus: number, usdPerHour: number) => ({
    sku: id,
    gpu,
    gpusPerVm: 1,
    family,
    vcpus,
    prices: [{ region: 'eastus', purchase: 'on-demand' as const, usdPerHour }],
  });
  const candidate = (id: string, rate: number) => ({
    llm: 'llm',
    sku: id,
    tp: 1,
    region: 'eastus',
    requestsPerSecByWorkload: new Map([['chat', rate]]),
  });
  return {
    windows: [{ start: '2024-05-10T00:00:00Z', hours: 1 }],
    regions: ['eastus'],
    purchases: ['on-demand'],
    skus: [sku('a', 'L4-24GB', 'G', 4, 1), sku('b', 'L4-24GB', 'G', 16, 0.9), sku('c', 'A100-80GB', 'P', 12, 3)],
    workloads: [{ id: 'chat', origins: ['eastus'], maxNetworkRttMs: 50, unmetPenaltyUsdPerRequest: 1 }],
    candidates: [candidate('a', 2), candidate('b', 2), candidate('c', 5)],
    demand: [[[10]]],
    latencyMs: () => 2,
    policies: { headroom: 0, startupHours: 0, quotas, currentFleet: [] },
  };
}

const fleet = (plan: Plan) => Object.fromEntries(plan.windows[0]!.vms.map((vm) => [vm.sku, vm.count]));

async function milp(planning: PlanningInput): Promise<Plan> {
  const solver = await getSolver('highs');
  const { plan, solver: report } = await planCapacity(planning, (program, options) => solver.solve(program, options), 'highs', {
    strategy: 'joint',
    relativeGap: 0,
  });
  expect(report.status).toBe('optimal');
  return plan;
}

const CASES: { name: string; quotas: QuotaRule[]; fleet: Record<string, number>; costUsd: number }[] = [
  { name: 'no quota', quotas: [], fleet: { b: 5 }, costUsd: 4.5 },
  { name: 'family G <= 40 vCPUs', quotas: [{ family: 'G', region: 'eastus', vcpus: 40 }], fleet: { a: 4, b: 1 }, costUsd: 4.9 },
  { name: 'family G <= 4 GPUs', quotas: [{ family: 'G', region: 'eastus', gpus: 4 }], fleet: { b: 3, c: 1 }, costUsd: 5.7 },
];

describe('quotas per VM family (group 4)', () => {
  it.each(CASES)('$name: the MILP finds the hand-checked optimum, the exhaustive search agrees', async (c) => {
    const planning = input(c.quotas);
    const plan = await milp(planning);
    expect(fleet(plan)).toEqual(c.fleet);
    expect(plan.totals.costUsd).toBeCloseTo(c.costUsd, 9);
    expect(plan.totals.unmetRequests).toBe(0);
    expect(checkPlan(planning, plan).violations).toEqual([]);
    const exhaustive = solveExhaustive(planning);
    expect(exhaustive.costUsd).toBeCloseTo(c.costUsd, 9);
    expect(Object.fromEntries([...exhaustive.fleets[0]!].filter(([, n]) => n > 0).map(([k, n]) => [k.split('|')[0], n]))).toEqual(c.fleet);
  });

  it.each(CASES.slice(1))('$name: GH and AGH stay within the family quota', (c) => {
    const planning = input(c.quotas);
    for (const name of ['gh', 'agh'] as const) {
      const { plan } = planHeuristic(planning, name);
      expect(checkPlan(planning, plan).violations, name).toEqual([]);
      const vms = fleet(plan);
      const used = c.quotas[0]!.vcpus !== undefined ? 4 * (vms.a ?? 0) + 16 * (vms.b ?? 0) : (vms.a ?? 0) + (vms.b ?? 0);
      expect(used, name).toBeLessThanOrEqual(c.quotas[0]!.vcpus ?? c.quotas[0]!.gpus!);
      expect(plan.totals.costUsd, name).toBeGreaterThanOrEqual(c.costUsd - 1e-9);
    }
  });

  it('validate names a family quota a plan breaks, in its unit', async () => {
    const unlimited = await milp(input([]));
    const strict = input([{ family: 'G', region: 'eastus', vcpus: 40 }]);
    const violations = checkPlan(strict, unlimited).violations.filter((v) => v.group === 'quota');
    expect(violations.map((v) => v.message)).toEqual(['80 vCPUs of family G; the quota is 40']);
    const gpus = checkPlan(input([{ family: 'G', region: 'eastus', gpus: 4 }]), unlimited).violations.filter((v) => v.group === 'quota');
    expect(gpus.map((v) => v.message)).toEqual(['5 GPUs of family G; the quota is 4']);
    // A family quota elsewhere, or of another family, does not count these VMs.
    expect(checkPlan(input([{ family: 'P', region: 'eastus', vcpus: 0 }]), unlimited).violations).toEqual([]);
  });
});
