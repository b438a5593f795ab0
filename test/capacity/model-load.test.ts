import { describe, expect, it } from 'vitest';
import { buildProblem } from '../../src/capacity/formulation.js';
import { planObjective, planCapacity, type Strategy } from '../../src/capacity/solve.js';
import type { Plan, PlanningInput } from '../../src/capacity/types.js';
import { planHeuristic } from '../../src/heuristics/index.js';
import { getSolver } from '../../src/solvers/registry.js';

const VM_BOOT_HOURS = 0.1;

/**
 * Two llms take turns: code completion (only llm-a) needs one replica in windows 0 and 2, chat (only
 * llm-b) one in windows 1 and 3. One sku: a $1/h VM with one GPU; a replica (TP 1) serves 1 req/s; a VM
 * boots in 0.1 h; unmet demand costs $100 a request, so every plan serves it all.
 *
 * No load time: one VM switches llm every window: 4 VM-hours + 1 boot x 0.1 = $4.10 (any second VM costs
 * $1 an hour more and saves nothing).
 * A 2-hour load (120 minutes, $2 per start on one $1/h GPU):
 * - switching every window: 4 + 0.1 + 4 loads x 2 = $12.10;
 * - each llm loaded once and kept from the window it is first needed to the last it is needed (llm-a in
 *   windows 0-2, llm-b in 1-3): VM-hours 1 + 2 + 2 + 1 = 6, boots 2 x 0.1, loads 2 x 2: $10.20;
 * - kept to the end as well (llm-a in window 3): 7 + 0.2 + 4 = $11.20; llm-b dropped in window 2 and loaded
 *   again: 5 + 0.3 + 6 = $11.30.
 * The optimum, $10.20, keeps llm-a and llm-b on their VMs through windows 1 and 2 instead of switching.
 */
function takingTurns(loadHours?: number): PlanningInput {
  const windows = [0, 1, 2, 3].map((t) => ({ start: `2024-05-10T0${t}:00:00Z`, hours: 1 }));
  const candidate = (llm: string, workload: string) => ({
    llm,
    sku: 'one',
    tp: 1,
    region: 'eastus',
    requestsPerSecByWorkload: new Map([[workload, 1]]),
    ...(loadHours !== undefined ? { loadHours } : {}),
  });
  return {
    windows,
    regions: ['eastus'],
    purchases: ['on-demand'],
    skus: [{ sku: 'one', gpu: 'A10', gpusPerVm: 1, prices: [{ region: 'eastus', purchase: 'on-demand', usdPerHour: 1 }] }],
    workloads: [
      { id: 'code', origins: ['eastus'], maxNetworkRttMs: 50, unmetPenaltyUsdPerRequest: 100 },
      { id: 'chat', origins: ['eastus'], maxNetworkRttMs: 50, unmetPenaltyUsdPerRequest: 100 },
    ],
    candidates: [candidate('llm-a', 'code'), candidate('llm-b', 'chat')],
    demand: [[[1, 0, 1, 0]], [[0, 1, 0, 1]]],
    latencyMs: () => 2,
    policies: { headroom: 0, startupHours: VM_BOOT_HOURS, quotas: [], currentFleet: [] },
  };
}

/**
 * Every plan with 0-2 replicas of each llm per window that serves all demand, priced as the model reads:
 * VM-hours + boots x 0.1 h + replica starts x load hours (x $1 per GPU-hour).
 */
function bruteForce(loadHours: number): { cost: number; replicas: [number, number][] } {
  const demand = [
    [1, 0, 1, 0],
    [0, 1, 0, 1],
  ];
  let best = { cost: Infinity, replicas: [] as [number, number][] };
  const choose = (t: number, chosen: [number, number][]) => {
    if (t === 4) {
      let cost = 0;
      let previous: [number, number] = [0, 0];
      for (const [a, b] of chosen) {
        cost += a + b + VM_BOOT_HOURS * Math.max(0, a + b - previous[0] - previous[1]);
        cost += loadHours * (Math.max(0, a - previous[0]) + Math.max(0, b - previous[1]));
        previous = [a, b];
      }
      if (cost < best.cost - 1e-9) best = { cost, replicas: chosen };
      return;
    }
    for (const a of [0, 1, 2])
      for (const b of [0, 1, 2]) if (a >= demand[0]![t]! && b >= demand[1]![t]!) choose(t + 1, [...chosen, [a, b]]);
  };
  choose(0, []);
  return best;
}

const total = (plan: Plan) => plan.totals.costUsd + plan.totals.startupCostUsd;
const replicasByWindow = (plan: Plan) =>
  plan.windows.map((w) => ['llm-a', 'llm-b'].map((llm) => w.replicas.filter((r) => r.llm === llm).reduce((n, r) => n + r.count, 0)));

async function plan(input: PlanningInput, strategy: Strategy | 'auto' = 'auto') {
  const highs = await getSolver('highs');
  return planCapacity(input, highs.solve.bind(highs), 'highs', { strategy, relativeGap: 1e-6 });
}

describe('model load per replica start (group 8, rup)', () => {
  it('the brute force agrees with the hand-checked optima', () => {
    expect(bruteForce(0).cost).toBeCloseTo(4.1, 9);
    expect(bruteForce(2).cost).toBeCloseTo(10.2, 9);
    expect(bruteForce(2).replicas).toEqual([
      [1, 0],
      [1, 1],
      [1, 1],
      [0, 1],
    ]);
  });

  it('without a load time the optimum switches the one VM between llms every window', async () => {
    const result = await plan(takingTurns());
    expect(total(result.plan)).toBeCloseTo(4.1, 6);
    expect(result.plan.totals.modelLoadCostUsd).toBeUndefined();
    expect(replicasByWindow(result.plan)).toEqual([
      [1, 0],
      [0, 1],
      [1, 0],
      [0, 1],
    ]);
  });

  it('with a 2-hour load time the optimum keeps both llms on their VMs', async () => {
    const result = await plan(takingTurns(2));
    expect(result.solver.strategy).toBe('joint');
    expect(total(result.plan)).toBeCloseTo(bruteForce(2).cost, 6);
    expect(total(result.plan)).toBeCloseTo(10.2, 6);
    expect(result.plan.totals.modelLoadCostUsd).toBeCloseTo(4, 6);
    expect(result.plan.totals.startupCostUsd).toBeCloseTo(4.2, 6);
    expect(replicasByWindow(result.plan)).toEqual(bruteForce(2).replicas);
    // The objective the strategies compare includes the loads: it equals the solver's, tie-breaks aside.
    expect(planObjective(takingTurns(2), result.plan)).toBeCloseTo(10.2, 3);
  });

  it('a load time between the two keeps switching where a kept VM-hour costs more than a load', async () => {
    // A load of 0.5 h costs $0.50, less than the $1 hour a second VM would run: switching, $4.10 + 4 x 0.5.
    const result = await plan(takingTurns(0.5));
    expect(total(result.plan)).toBeCloseTo(bruteForce(0.5).cost, 6);
    expect(total(result.plan)).toBeCloseTo(6.1, 6);
  });

  it('window-by-window strategies price the loads against the previous window and never beat the joint optimum', async () => {
    for (const strategy of ['rolling', 'lp-rolling', 'per-window'] as const) {
      const result = await plan(takingTurns(2), strategy);
      expect(total(result.plan)).toBeGreaterThanOrEqual(10.2 - 1e-6);
      // Each plan's start-up cost is what its own replica and VM starts cost.
      const starts = replicasByWindow(result.plan).reduce(
        (sum, [a, b], t, all) => sum + Math.max(0, a! - (all[t - 1]?.[0] ?? 0)) + Math.max(0, b! - (all[t - 1]?.[1] ?? 0)),
        0,
      );
      expect(result.plan.totals.modelLoadCostUsd).toBeCloseTo(2 * starts, 6);
    }
    // Rolling starts from the window before: switching once llm-a runs costs $3, keeping it $4.10.
    const rolling = await plan(takingTurns(2), 'rolling');
    expect(total(rolling.plan)).toBeCloseTo(12.1, 6);
  });

  it('GH prices the loads it starts', () => {
    const input = takingTurns(2);
    const gh = planHeuristic(input, 'gh');
    const starts = replicasByWindow(gh.plan).reduce(
      (sum, [a, b], t, all) => sum + Math.max(0, a! - (all[t - 1]?.[0] ?? 0)) + Math.max(0, b! - (all[t - 1]?.[1] ?? 0)),
      0,
    );
    expect(gh.plan.totals.modelLoadCostUsd).toBeCloseTo(2 * starts, 6);
    expect(total(gh.plan)).toBeGreaterThanOrEqual(10.2 - 1e-6);
  });

  it('builds rup columns and 8:replica-up rows only when windows are coupled and an llm has a load time', () => {
    const rows = (input: PlanningInput, independentWindows = false) =>
      buildProblem(input, { independentWindows }).program.rowLabels.filter((label) => label.startsWith('8:replica-up'));
    expect(rows(takingTurns(2))).toHaveLength(8);
    expect(rows(takingTurns(2))[0]).toBe('8:replica-up[llm-a,one,tp1,eastus,t=0]');
    expect(rows(takingTurns())).toHaveLength(0);
    expect(rows(takingTurns(2), true)).toHaveLength(0);
  });

  it('replicas already running before the first window (policies.currentReplicas) start without a load', async () => {
    const input = takingTurns(2);
    const running: PlanningInput = {
      ...input,
      policies: {
        ...input.policies,
        currentFleet: [{ region: 'eastus', sku: 'one', purchase: 'on-demand', count: 2 }],
        currentReplicas: [
          { llm: 'llm-a', sku: 'one', tp: 1, region: 'eastus', count: 1 },
          { llm: 'llm-b', sku: 'one', tp: 1, region: 'eastus', count: 1 },
        ],
      },
    };
    // Both loaded and both VMs up: llm-b stays all four windows, llm-a through window 2 (a reload would
    // cost $2, more than the hour it runs idle): 7 VM-hours, no boot, no load.
    const result = await plan(running);
    expect(total(result.plan)).toBeCloseTo(7, 6);
    expect(result.plan.totals.modelLoadCostUsd).toBe(0);
  });
});
