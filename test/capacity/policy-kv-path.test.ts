import { describe, expect, it } from 'vitest';
import type { Candidate, Plan, PlanningInput } from '../../src/capacity/types.js';
import { buildProblem } from '../../src/capacity/formulation.js';
import { summarisePolicies } from '../../src/capacity/policy-summary.js';
import { checkPlan } from '../../src/validate/check-plan.js';
import { solvePlan, vmCost } from '../support/policy-planning.js';

/**
 * A two-config instance where the load-dependent KV-memory row (policies.kvMemory: load) and single-path
 * routing (policies.routing: single-path) each change the optimum, alone and with the other on.
 * One region, one 1 h window, headroom 0, one llm on two 1-GPU skus:
 *   S: $1.0/h, rates A 5 / B 20 req/s, 5 GiB of KV cache free per replica
 *   L: $1.8/h, rates A 10 / B 20 req/s, 40 GiB free
 * A holds 0.5 GiB per req/s, B 2 GiB per req/s; demand A 25, B 20 req/s.
 * By hand: split, no KV row: 2 S + 2 L ($5.6: S carries B 20 (1 replica) and A 5 (1), L carries A 20 (2));
 * single-path only: 6 S ($6.0: A 25/5 + B 20/20); KV only: 1 S + 3 L ($6.4); both: 5 S (A, 12.5 of 25 GiB)
 * + 1 L (B, 40 of 40 GiB) = $6.8. The brute force below checks every (S, L) count exactly.
 */
const PRICE = { S: 1, L: 1.8 };
const RATE = { S: { A: 5, B: 20 }, L: { A: 10, B: 20 } };
const FREE_GIB = { S: 5, L: 40 };
const KV_GIB = { A: 0.5, B: 2 };
const DEMAND = { A: 25, B: 20 };
type Sku = 'S' | 'L';
type Workload = 'A' | 'B';

function instance(options: { kv: boolean; singlePath: boolean }): PlanningInput {
  const candidate = (sku: Sku): Candidate => ({
    llm: 'm',
    sku,
    tp: 1,
    region: 'r',
    requestsPerSecByWorkload: new Map(Object.entries(RATE[sku])),
    ...(options.kv ? { kv: { freeGib: FREE_GIB[sku], gibPerRequestPerSec: new Map(Object.entries(KV_GIB)) } } : {}),
  });
  return {
    windows: [{ start: '2026-01-01T00:00:00Z', hours: 1 }],
    regions: ['r'],
    purchases: ['on-demand'],
    skus: (['S', 'L'] as const).map((sku) => ({
      sku,
      gpu: `gpu-${sku}`,
      gpusPerVm: 1,
      prices: [{ region: 'r', purchase: 'on-demand' as const, usdPerHour: PRICE[sku] }],
    })),
    workloads: (['A', 'B'] as const).map((id) => ({ id, origins: ['r'], maxNetworkRttMs: 100, unmetPenaltyUsdPerRequest: 1 })),
    candidates: [candidate('S'), candidate('L')],
    demand: [[[DEMAND.A]], [[DEMAND.B]]],
    latencyMs: () => 0,
    policies: {
      headroom: 0,
      startupHours: 0,
      quotas: [],
      currentFleet: [],
      ...(options.kv ? { kvMemory: 'load' as const } : {}),
      ...(options.singlePath ? { routing: 'single-path' as const } : {}),
    },
  };
}

/**
 * Exact feasibility of replica counts n = {S, L}. Single-path: try each workload on each config. Split: the
 * routing (a on S, b on S; the rest on L) is a 2-D polytope; it is non-empty iff one of its vertices (the
 * pairwise intersections of its boundary lines) satisfies every constraint.
 */
function feasible(n: Record<Sku, number>, kv: boolean, singlePath: boolean): boolean {
  const fits = (load: Record<Sku, Record<Workload, number>>) =>
    (['S', 'L'] as const).every(
      (s) =>
        load[s].A / RATE[s].A + load[s].B / RATE[s].B <= n[s] + 1e-9 &&
        (!kv || KV_GIB.A * load[s].A + KV_GIB.B * load[s].B <= FREE_GIB[s] * n[s] + 1e-9),
    );
  if (singlePath) {
    return (['S', 'L'] as const).some((pa) =>
      (['S', 'L'] as const).some((pb) =>
        fits({
          S: { A: pa === 'S' ? DEMAND.A : 0, B: pb === 'S' ? DEMAND.B : 0 },
          L: { A: pa === 'L' ? DEMAND.A : 0, B: pb === 'L' ? DEMAND.B : 0 },
        }),
      ),
    );
  }
  // Rows c_a a + c_b b <= rhs over (a, b) = what S carries.
  const rows: [number, number, number][] = [
    [1 / RATE.S.A, 1 / RATE.S.B, n.S],
    [-1 / RATE.L.A, -1 / RATE.L.B, n.L - DEMAND.A / RATE.L.A - DEMAND.B / RATE.L.B],
    [-1, 0, 0],
    [1, 0, DEMAND.A],
    [0, -1, 0],
    [0, 1, DEMAND.B],
  ];
  if (kv)
    rows.push([KV_GIB.A, KV_GIB.B, FREE_GIB.S * n.S], [-KV_GIB.A, -KV_GIB.B, FREE_GIB.L * n.L - KV_GIB.A * DEMAND.A - KV_GIB.B * DEMAND.B]);
  for (const [i, p] of rows.entries())
    for (const q of rows.slice(i + 1)) {
      const det = p[0] * q[1] - p[1] * q[0];
      if (Math.abs(det) < 1e-12) continue;
      const a = (p[2] * q[1] - p[1] * q[2]) / det;
      const b = (p[0] * q[2] - p[2] * q[0]) / det;
      if (rows.every((r) => r[0] * a + r[1] * b <= r[2] + 1e-9)) return true;
    }
  return false;
}

function bruteForce(kv: boolean, singlePath: boolean): { cost: number; S: number; L: number } {
  let best = { cost: Infinity, S: -1, L: -1 };
  for (let S = 0; S <= 8; S++)
    for (let L = 0; L <= 8; L++) {
      const cost = S * PRICE.S + L * PRICE.L;
      if (cost < best.cost - 1e-9 && feasible({ S, L }, kv, singlePath)) best = { cost, S, L };
    }
  return best;
}

function replicasOf(plan: Plan, sku: Sku): number {
  return plan.windows[0]!.replicas.filter((r) => r.sku === sku).reduce((sum, r) => sum + r.count, 0);
}

describe('groups 1 and 2: single-path routing and the load-dependent KV-memory row', () => {
  const cases = [
    { kv: false, singlePath: false, cost: 5.6, S: 2, L: 2 },
    { kv: false, singlePath: true, cost: 6.0, S: 6, L: 0 },
    { kv: true, singlePath: false, cost: 6.4, S: 1, L: 3 },
    { kv: true, singlePath: true, cost: 6.8, S: 5, L: 1 },
  ];
  for (const expected of cases) {
    it(`kvMemory ${expected.kv ? 'load' : 'off'}, routing ${expected.singlePath ? 'single-path' : 'split'}: $${expected.cost}`, async () => {
      const best = bruteForce(expected.kv, expected.singlePath);
      expect(best).toEqual({ cost: expect.closeTo(expected.cost, 9), S: expected.S, L: expected.L });
      const input = instance(expected);
      const plan = await solvePlan(input);
      expect(vmCost(plan)).toBeCloseTo(best.cost, 6);
      expect({ S: replicasOf(plan, 'S'), L: replicasOf(plan, 'L') }).toEqual({ S: best.S, L: best.L });
      expect(plan.totals.unmetRequests).toBe(0);
      expect(checkPlan(input, plan).violations).toEqual([]);
    });
  }

  it('each option changes the optimum, alone and with the other on', () => {
    const [none, path, kv, both] = cases.map((c) => bruteForce(c.kv, c.singlePath).cost);
    expect(new Set([none, path, kv, both]).size).toBe(4);
  });

  it('adds the rows only when asked: 2:kv-memory per config, 1:path per assign, 1:single-path per workload and region', () => {
    const labels = (kv: boolean, singlePath: boolean) => buildProblem(instance({ kv, singlePath })).program.rowLabels;
    expect(labels(false, false).filter((l) => l.includes('kv-memory') || l.includes('path'))).toEqual([]);
    expect(labels(true, false).filter((l) => l.startsWith('2:kv-memory'))).toEqual([
      '2:kv-memory[m,S,tp1,r,t=0]',
      '2:kv-memory[m,L,tp1,r,t=0]',
    ]);
    expect(labels(false, true).filter((l) => l.startsWith('1:single-path'))).toEqual(['1:single-path[A,r,t=0]', '1:single-path[B,r,t=0]']);
    expect(labels(false, true).filter((l) => l.startsWith('1:path'))).toHaveLength(4);
  });

  it('validate reports a split workload and KV cache beyond free memory; the plan states both options', async () => {
    const input = instance({ kv: true, singlePath: true });
    const plan = await solvePlan(input);
    expect(summarisePolicies(input, plan)).toMatchObject({
      kvMemory: { mode: 'load', highestShareOfFree: 1 },
      routing: { mode: 'single-path', mostConfigsPerWorkloadRegion: 1 },
    });
    // Move 5 req/s of B from L to S: B is then split over two configs (S also runs over capacity and KV memory).
    const split = structuredClone(plan);
    const routes = split.windows[0]!.routes;
    const onL = routes.find((r) => r.workload === 'B' && r.sku === 'L')!;
    onL.requestsPerSec -= 5;
    routes.push({ ...onL, sku: 'S', requestsPerSec: 5 });
    expect(
      checkPlan(input, split)
        .violations.filter((v) => v.group === 'routing')
        .map((v) => v.message),
    ).toEqual(['single-path routing: B in r is split over 2 configs (m TP 1 on L; m TP 1 on S)']);
    // Two L replicas carrying A 5 and B 20 req/s (demand aside: only the group 2 checks are read here).
    const overKv = structuredClone(plan);
    const w = overKv.windows[0]!;
    w.replicas = [{ llm: 'm', sku: 'L', tp: 1, region: 'r', count: 2 }];
    w.vms = [{ ...w.vms.find((v) => v.sku === 'L')!, count: 2 }];
    w.routes = [
      { workload: 'A', origin: 'r', llm: 'm', sku: 'L', tp: 1, region: 'r', requestsPerSec: 5 },
      { workload: 'B', origin: 'r', llm: 'm', sku: 'L', tp: 1, region: 'r', requestsPerSec: 20 },
    ];
    // Load 5/10 + 20/20 = 1.5 <= 2 replicas; KV 0.5 x 5 + 2 x 20 = 42.5 GiB <= 80: the KV row holds.
    expect(checkPlan(input, overKv).violations.filter((v) => v.group === 'kv-memory' || v.group === 'capacity')).toEqual([]);
    // B's residency doubled (4 GiB per req/s): 82.5 GiB > 80 GiB, while the rate (capacity) is unchanged.
    const heavier: PlanningInput = {
      ...input,
      candidates: input.candidates.map((c) => ({
        ...c,
        kv: {
          ...c.kv!,
          gibPerRequestPerSec: new Map([
            ['A', 0.5],
            ['B', 4],
          ]),
        },
      })),
    };
    expect(checkPlan(heavier, overKv).violations.map((v) => `${v.group}: ${v.message}`)).toContain(
      'kv-memory: m TP 1 on L: the routed load holds 82.50 GiB of KV cache; its replicas have 80.00 GiB free',
    );
    expect(checkPlan(heavier, overKv).violations.filter((v) => v.group === 'capacity')).toEqual([]);
  });
});
