import { describe, expect, it } from 'vitest';
import { maySharePair, shareGroups } from '../../src/capacity/interference.js';
import { planCapacity, type Strategy } from '../../src/capacity/solve.js';
import type { Candidate, Plan, PlanningInput, QueueFigures } from '../../src/capacity/types.js';
import { mulberry32 } from '../../src/random.js';
import { replicaGroupQueueEstimate } from '../../src/simulate/queueing.js';
import { getSolver } from '../../src/solvers/registry.js';
import { checkPlan } from '../../src/validate/check-plan.js';

/**
 * Two workloads on one config type (a $1/h VM with one GPU, TP 1; headroom 0; no start-up cost; unmet demand
 * costs $100 a request, so every plan serves it all):
 * - short: 10 req/s per replica; prefill 20 ms (E[P^2] 480 ms^2), decode step 20 ms, TPOT SLO 50 ms, reached at
 *   its own rate (prefill utilisation 10 x 0.020 = 0.2, TPOT 20 + 30 x 0.2 / 0.2 = 50 ms).
 * - long: 2 req/s per replica; prefill 200 ms (E[P^2] 48,000), decode step 30 ms, TPOT SLO 100 ms, 60 ms at its
 *   rate (utilisation 2 x 0.2 = 0.4).
 * Beside long at its full rate, short's decodes stall: utilisation 0.4, TPOT 20 + 30 x 0.4 / 0.2 = 80 ms > 50.
 * (Long beside short at 10 req/s: utilisation 0.2, TPOT 30 + 30 x 0.2 / 0.4 = 45 ms, within 100; its wait
 * 10/1000 x 480 / (2 x 0.8) = 3 ms.) So the two may not share a replica.
 * Demand: window 0 short 5 + long 0.8 req/s (0.5 + 0.4 = 0.9 replicas of load), window 1 short 8 + long 0.8
 * (0.8 + 0.4 = 1.2). Shared replicas: 1 + 2 = $3. Kept apart: (1 + 1) + (1 + 1) = $4 (bruteForce below).
 */
const SHORT: QueueFigures = {
  requestsPerSec: 10,
  prefillMs: 20,
  prefillSquaredMs2: 480,
  decodeStepMs: 20,
  ttftSloMs: 1000,
  tpotSloMs: 50,
  tpotAtSloRateMs: 50,
  prefillUtilisationAtSloRate: 0.2,
};
const LONG: QueueFigures = {
  requestsPerSec: 2,
  prefillMs: 200,
  prefillSquaredMs2: 48_000,
  decodeStepMs: 30,
  ttftSloMs: 2000,
  tpotSloMs: 100,
  tpotAtSloRateMs: 60,
  prefillUtilisationAtSloRate: 0.4,
};
/** A long-output workload with short prompts: beside short at 10 req/s its TPOT is 30 + 10 x 0.2 / 0.08 = 55 ms; short's beside it 20 + 30 x 0.08 / 0.2 = 32 ms. */
const MILD: QueueFigures = { ...LONG, prefillMs: 40, prefillSquaredMs2: 1920, tpotAtSloRateMs: 40, prefillUtilisationAtSloRate: 0.08 };
const RATES = { short: 10, long: 2 };
const DEMAND = { short: [5, 8], long: [0.8, 0.8] };

function twoWorkloads(interference: boolean, long: QueueFigures = LONG): PlanningInput {
  const candidate: Candidate = {
    llm: 'llm',
    sku: 'one',
    tp: 1,
    region: 'eastus',
    requestsPerSecByWorkload: new Map(Object.entries(RATES)),
    ...(interference
      ? {
          queue: new Map([
            ['short', SHORT],
            ['long', long],
          ]),
        }
      : {}),
  };
  return {
    windows: [0, 1].map((t) => ({ start: `2024-05-10T0${t}:00:00Z`, hours: 1 })),
    regions: ['eastus'],
    purchases: ['on-demand'],
    skus: [{ sku: 'one', gpu: 'A10', gpusPerVm: 1, prices: [{ region: 'eastus', purchase: 'on-demand', usdPerHour: 1 }] }],
    workloads: ['short', 'long'].map((id) => ({ id, origins: ['eastus'], maxNetworkRttMs: 50, unmetPenaltyUsdPerRequest: 100 })),
    candidates: [candidate],
    demand: [[DEMAND.short], [DEMAND.long]],
    latencyMs: () => 2,
    policies: {
      headroom: 0,
      startupHours: 0,
      quotas: [],
      currentFleet: [],
      ...(interference ? { interference: 'separate' as const } : {}),
    },
  };
}

/** The cheapest replicas per window by enumeration: shared (n >= total load) or apart (n_short, n_long each >= its load). */
function bruteForce(apart: boolean): number {
  let cost = 0;
  for (const t of [0, 1]) {
    const short = DEMAND.short[t]! / RATES.short;
    const long = DEMAND.long[t]! / RATES.long;
    let best = Infinity;
    for (let a = 0; a <= 4; a++)
      for (let b = 0; b <= 4; b++) {
        const fits = apart ? a >= short && b >= long : a + b >= short + long;
        if (fits) best = Math.min(best, a + b);
      }
    cost += best;
  }
  return cost;
}

async function solve(input: PlanningInput, strategy: Strategy): Promise<Plan> {
  const highs = await getSolver('highs');
  const { plan } = await planCapacity(input, (program, options) => highs.solve(program, options), 'highs', { strategy, relativeGap: 1e-9 });
  return plan;
}

describe('policies.interference: separate (group 10)', () => {
  it('the brute force: $3 shared, $4 apart', () => {
    expect(bruteForce(false)).toBe(3);
    expect(bruteForce(true)).toBe(4);
  });

  it.each(['joint', 'lp-rolling'] as const)(
    '%s: the optimum keeps short and long on replicas of their own, and validate agrees',
    async (strategy) => {
      const off = await solve(twoWorkloads(false), strategy);
      expect(off.totals.costUsd).toBeCloseTo(bruteForce(false), 6);
      expect(off.windows.flatMap((w) => w.replicas).some((r) => r.workloads)).toBe(false);

      const on = await solve(twoWorkloads(true), strategy);
      expect(on.totals.costUsd).toBeCloseTo(bruteForce(true), 6);
      for (const window of on.windows) {
        expect(window.replicas.map((r) => [r.workloads, r.count])).toEqual([
          [['long'], 1],
          [['short'], 1],
        ]);
      }
      expect(checkPlan(twoWorkloads(true), on).violations).toEqual([]);
      // The shared plan breaks the policy: window 1's two replicas carry both workloads.
      const shared = checkPlan(twoWorkloads(true), off).violations.filter((v) => v.group === 'interference');
      expect(shared.length).toBeGreaterThan(0);
      expect(shared[0]!.message).toContain('long and short share');
    },
  );

  it('workloads that may share keep the shared optimum and no split', async () => {
    const plan = await solve(twoWorkloads(true, MILD), 'joint');
    expect(plan.totals.costUsd).toBeCloseTo(bruteForce(false), 6);
    expect(plan.windows.flatMap((w) => w.replicas).some((r) => r.workloads)).toBe(false);
    expect(checkPlan(twoWorkloads(true, MILD), plan).violations).toEqual([]);
  });

  it('validate flags replicas set apart for one workload that carry more than their share', async () => {
    const plan = await solve(twoWorkloads(true), 'joint');
    const tampered = structuredClone(plan);
    // Window 1: the short replica is dropped and its load claimed by one replica set apart for long.
    tampered.windows[1]!.replicas = [{ llm: 'llm', sku: 'one', tp: 1, region: 'eastus', count: 2, workloads: ['long'] }];
    const messages = checkPlan(twoWorkloads(true), tampered).violations.map((v) => v.message);
    expect(messages.some((m) => m.includes('serves short, but none of its replicas are set apart for it'))).toBe(true);
  });

  it('sharing groups: first fit by prefill; a workload that conflicts with none joins the first group', () => {
    const candidate: Candidate = {
      llm: 'llm',
      sku: 'one',
      tp: 1,
      region: 'eastus',
      requestsPerSecByWorkload: new Map([
        ['long', 2],
        ['short', 10],
        ['mild', 2],
      ]),
      queue: new Map([
        ['long', LONG],
        ['short', SHORT],
        ['mild', MILD],
      ]),
    };
    expect(maySharePair(candidate, 'short', 'long')).toBe(false);
    expect(maySharePair(candidate, 'short', 'mild')).toBe(true);
    expect(shareGroups(candidate, ['long', 'short', 'mild'])).toEqual([['long'], ['short', 'mild']]);
  });

  /**
   * The rule checks each pair at one workload alone at its full rate; the claim (interference.ts) is that the
   * queueing estimate then holds at every load the capacity row admits. Checked with simulate's own estimate
   * on random figures and random loads in the capacity region, and the converse at the vertex.
   */
  it('pairs that may share meet their SLOs by the queueing estimate at every admitted load; pairs that may not miss at a vertex', () => {
    const random = mulberry32(20);
    const between = (lo: number, hi: number) => lo + (hi - lo) * random();
    const figures = (): { figures: QueueFigures; rate: number } => {
      const prefillMs = between(5, 400);
      const rho = between(0.05, 0.8);
      const rate = (1000 * rho) / prefillMs;
      const decodeStepMs = between(5, 50);
      const prefillSquaredMs2 = prefillMs * prefillMs * between(1, 2);
      const wait = ((rate / 1000) * prefillSquaredMs2) / (2 * (1 - rho));
      const tpotAtSloRateMs = decodeStepMs + between(0, 60);
      return {
        figures: {
          requestsPerSec: rate,
          prefillMs,
          prefillSquaredMs2,
          decodeStepMs,
          ttftSloMs: (prefillMs + decodeStepMs + wait) * between(1, 3),
          tpotSloMs: tpotAtSloRateMs * between(1, 1.5),
          tpotAtSloRateMs,
          prefillUtilisationAtSloRate: rho,
        },
        rate,
      };
    };
    let sharing = 0;
    let apart = 0;
    for (let trial = 0; trial < 300; trial++) {
      const a = figures();
      const b = figures();
      const candidate: Candidate = {
        llm: 'llm',
        sku: 'one',
        tp: 1,
        region: 'eastus',
        requestsPerSecByWorkload: new Map([
          ['a', a.rate],
          ['b', b.rate],
        ]),
        queue: new Map([
          ['a', a.figures],
          ['b', b.figures],
        ]),
      };
      const profiles = [a.figures, b.figures];
      const within = (loads: [number, number]) => {
        const estimate = replicaGroupQueueEstimate(new Map(loads.map((rps, w) => [w, rps])), 1, (w) => profiles[w]);
        return [0, 1].every(
          (w) =>
            !(loads[w]! > 0) ||
            (estimate.ttftMs.get(w)! <= profiles[w]!.ttftSloMs * (1 + 1e-9) &&
              estimate.tpotMs.get(w)! <= profiles[w]!.tpotSloMs * (1 + 1e-9)),
        );
      };
      if (maySharePair(candidate, 'a', 'b')) {
        sharing++;
        for (let k = 0; k < 20; k++) {
          const share = random();
          const fill = k < 10 ? 1 : random();
          expect(within([share * fill * a.rate, (1 - share) * fill * b.rate])).toBe(true);
        }
      } else {
        apart++;
        const tiny = 1e-12;
        expect(within([a.rate, tiny * b.rate]) && within([tiny * a.rate, b.rate])).toBe(false);
      }
    }
    // Both kinds of pair occur, so neither branch is vacuous.
    expect(sharing).toBeGreaterThan(20);
    expect(apart).toBeGreaterThan(20);
  });
});
