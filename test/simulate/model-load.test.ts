import { describe, expect, it } from 'vitest';
import type { PlanningInput } from '../../src/capacity/types.js';
import { evaluateFleets } from '../../src/simulate/evaluate.js';
import type { FleetWindow } from '../../src/simulate/types.js';
import { glpkSolve } from './support.js';

/**
 * Two llms on one 2-GPU sku at $4/h ($2 per GPU-hour): llm-a (TP 2) loads in 0.25 h, llm-b (TP 1) in
 * 0.5 h; a VM boots in 0.1 h. The fleets run llm-a, then add llm-b on a second VM, then drop llm-a.
 */
function input(): PlanningInput {
  const candidate = (llm: string, workload: string, tp: number, loadHours: number) => ({
    llm,
    sku: 'duo',
    tp,
    region: 'eastus',
    requestsPerSecByWorkload: new Map([[workload, 1]]),
    loadHours,
  });
  return {
    windows: [0, 1, 2].map((t) => ({ start: `2024-05-10T0${t}:00:00Z`, hours: 1 })),
    regions: ['eastus'],
    purchases: ['on-demand'],
    skus: [{ sku: 'duo', gpu: 'A10', gpusPerVm: 2, prices: [{ region: 'eastus', purchase: 'on-demand', usdPerHour: 4 }] }],
    workloads: [
      { id: 'code', origins: ['eastus'], maxNetworkRttMs: 50, unmetPenaltyUsdPerRequest: 1 },
      { id: 'chat', origins: ['eastus'], maxNetworkRttMs: 50, unmetPenaltyUsdPerRequest: 1 },
    ],
    candidates: [candidate('llm-a', 'code', 2, 0.25), candidate('llm-b', 'chat', 1, 0.5)],
    demand: [[[1, 1, 0]], [[0, 1, 1]]],
    latencyMs: () => 2,
    policies: { headroom: 0, startupHours: 0.1, quotas: [], currentFleet: [] },
  };
}

const fleet = (vms: number, a: number, b: number): FleetWindow => ({
  vms: [{ region: 'eastus', sku: 'duo', purchase: 'on-demand', count: vms, usdPerHour: 4 }],
  replicas: [
    ...(a ? [{ llm: 'llm-a', sku: 'duo', tp: 2, region: 'eastus', count: a }] : []),
    ...(b ? [{ llm: 'llm-b', sku: 'duo', tp: 1, region: 'eastus', count: b }] : []),
  ],
});

describe('simulate bills model loads beside VM boots', () => {
  it('each replica started pays its tp GPUs for its load time; replicas kept pay nothing', async () => {
    const plan = input();
    const result = await evaluateFleets(
      { input: plan, windows: [0, 1, 2], actual: plan.demand, events: [], startFleet: [], solve: await glpkSolve() },
      { name: 'fixed', description: 'three windows by hand', fleets: [fleet(1, 1, 0), fleet(2, 1, 1), fleet(1, 0, 1)], seconds: 0 },
    );
    // Window 0: one VM boots ($4 x 0.1) and llm-a loads on 2 GPUs ($2 x 2 x 0.25 = $1).
    // Window 1: a second VM boots ($0.40) and llm-b loads on 1 GPU ($2 x 1 x 0.5 = $1); llm-a is kept.
    // Window 2: llm-b is kept on the VM that stays; nothing starts.
    expect(result.windows.map((w) => w.replicasStarted)).toEqual([1, 1, 0]);
    expect(result.windows.map((w) => w.modelLoadCostUsd)).toEqual([1, 1, 0]);
    expect(result.windows.map((w) => w.startupCostUsd)).toEqual([1.4, 1.4, 0]);
    expect(result.totals.modelLoadCostUsd).toBe(2);
    expect(result.totals.replicasStarted).toBe(2);
    expect(result.totals.startupCostUsd).toBeCloseTo(2.8, 12);
    // The planned fleet serves its whole window: the loads were started ahead and paid for.
    expect(result.windows.map((w) => w.unmetRps)).toEqual([0, 0, 0]);
  });

  it('without load times a replica start is free', async () => {
    const plan = input();
    const free = { ...plan, candidates: plan.candidates.map(({ loadHours: _, ...c }) => c) };
    const result = await evaluateFleets(
      { input: free, windows: [0, 1, 2], actual: free.demand, events: [], startFleet: [], solve: await glpkSolve() },
      { name: 'fixed', description: 'three windows by hand', fleets: [fleet(1, 1, 0), fleet(2, 1, 1), fleet(1, 0, 1)], seconds: 0 },
    );
    expect(result.totals.modelLoadCostUsd).toBe(0);
    expect(result.totals.startupCostUsd).toBeCloseTo(0.8, 12);
  });
});
