import { describe, expect, it } from 'vitest';
import { planCapacity, relaxationBound } from '../../src/capacity/solve.js';
import type { PlanningInput } from '../../src/capacity/types.js';
import { greedyWindowFallback } from '../../src/heuristics/index.js';
import {
  CONTENDER_NAMES,
  type ContenderContext,
  type ContenderRun,
  singleGpuContender,
  singleGpuInput,
} from '../../src/simulate/contenders.js';
import { costLowerBound, gapToBound } from '../../src/simulate/cost-bound.js';
import { dominatingOracle, simulate } from '../../src/simulate/runner.js';
import type { ContenderResult } from '../../src/simulate/types.js';
import { glpkSolve, simSmall } from './support.js';

async function context(input: PlanningInput, windows: number[]): Promise<ContenderContext> {
  const slice = (from: number, n: number) => input.demand.map((origins) => origins.map((s) => s.slice(from, from + n)));
  return {
    input,
    windows,
    historyBefore: (t) => slice(0, t),
    actualOf: slice,
    nominalOf: slice,
    localStarts: (_w, t) => input.windows.slice(0, t + 1).map((x) => x.start),
    events: [],
    startFleet: [],
    solve: await glpkSolve(),
    solverName: 'glpk',
    relativeGap: 0.01,
    planStrategy: 'auto',
    timeLimitSec: 10,
    horizonTimeLimitSec: 40,
    rateScale: 1,
  };
}

const cost = (r: ContenderResult) => r.totals.costUsd + r.totals.startupCostUsd;

describe('single-gpu skips GPU types by their LP bound', () => {
  it('picks the plan solving every type would pick; a skipped type really costs more, and no bound is above its own plan', async () => {
    // sim-small: A100 (two skus) and H100; six hours of the simulated day.
    const input = await simSmall();
    const ctx = await context(input, [24, 25, 26, 27, 28, 29]);
    const run = await singleGpuContender(ctx);
    // Every type solved in full, as before the skip rule.
    const full: { gpu: string; cost: number; unmet: number; bound: number | undefined; fleets: string }[] = [];
    for (const gpu of [...new Set(input.skus.map((s) => s.gpu))].sort()) {
      const sub = singleGpuInput(ctx, gpu);
      const result = await planCapacity(sub, ctx.solve, ctx.solverName, {
        strategy: ctx.planStrategy,
        relativeGap: ctx.relativeGap,
        timeLimitSec: ctx.horizonTimeLimitSec,
        ...greedyWindowFallback(sub),
      });
      full.push({
        gpu,
        cost: result.plan.totals.costUsd + result.plan.totals.startupCostUsd,
        unmet: result.plan.totals.unmetRequests,
        bound: costLowerBound(sub, await relaxationBound(sub, ctx.solve), 0.5),
        fleets: JSON.stringify(result.plan.windows.map((w) => w.vms.map((vm) => [vm.sku, vm.region, vm.count]))),
      });
    }
    expect(full.length).toBe(2);
    for (const f of full) {
      expect(f.unmet, f.gpu).toBe(0);
      // The bound is a lower bound on the type's own plan.
      expect(f.bound, f.gpu).toBeDefined();
      expect(f.bound!, f.gpu).toBeLessThanOrEqual(f.cost + 1e-6);
    }
    const winner = [...full].sort((a, b) => a.cost - b.cost)[0]!;
    const loser = full.find((f) => f !== winner)!;
    expect(run.description).toContain(`(${winner.gpu})`);
    expect(JSON.stringify(run.fleets.map((f) => f.vms.map((vm) => [vm.sku, vm.region, vm.count])))).toBe(winner.fleets);
    // Here the loser's bound is above the winner's plan, so it is skipped; its full solve costs more indeed.
    expect(loser.bound!).toBeGreaterThan(winner.cost);
    expect(run.skipped).toEqual([{ gpu: loser.gpu, boundUsd: loser.bound }]);
    expect(loser.cost).toBeGreaterThan(winner.cost);
    expect(run.notes.join('\n')).toMatch(
      new RegExp(`${loser.gpu}: not solved, its LP bound \\$[\\d.]+ is above ${winner.gpu}'s \\$[\\d.]+`),
    );
  });

  it('skips nothing while no type serves all demand (a cheaper type might serve more)', async () => {
    // A capacity event leaves one GPU of each type per region: every type leaves requests unmet.
    const input = await simSmall();
    const ctx = await context(input, [24, 25]);
    const gpus = [...new Set(input.skus.map((s) => s.gpu))];
    ctx.events = gpus.flatMap((gpu) =>
      input.regions.map((region) => ({ gpu, region, from: '', to: '', availableGpus: 1, fromWindow: 0, toWindow: 47 })),
    );
    const run = await singleGpuContender(ctx);
    expect(run.skipped).toBeUndefined();
    expect(run.notes.filter((n) => /requests unmet/.test(n)).length).toBe(2);
  });
});

describe('the oracle', () => {
  it('costs no more than any contender serving as much, and its bound is below every plan in the model', async () => {
    const input = await simSmall();
    const result = await simulate(input, {
      contenders: CONTENDER_NAMES,
      solve: await glpkSolve(),
      solverName: 'glpk',
      relativeGap: 0.01,
      timeLimitSec: 10,
      days: 0.25,
    });
    const by = new Map(result.contenders.map((c) => [c.name, c]));
    const oracle = by.get('oracle')!;
    for (const c of result.contenders) {
      if (c.totals.attainment >= oracle.totals.attainment - 1e-9) expect(cost(oracle), c.name).toBeLessThanOrEqual(cost(c) + 1e-4);
    }
    const bound = oracle.bound!;
    expect(bound.costUsd).toBeGreaterThan(0);
    expect(bound.costUsd).toBeLessThanOrEqual(cost(oracle) + 1e-6);
    // single-gpu's plan is a plan in the model serving everything: the bound holds for it too.
    expect(by.get('single-gpu')!.totals.attainment).toBeCloseTo(1, 9);
    expect(bound.costUsd).toBeLessThanOrEqual(cost(by.get('single-gpu')!) + 1e-6);
    expect(bound.gap).toBeCloseTo((cost(oracle) - bound.costUsd) / cost(oracle), 12);
  });

  it('runs the cheapest fleet of a contender serving as much, and ignores cheaper ones serving less', async () => {
    const fleet = (n: number) => [
      { vms: [{ region: 'r', sku: 's', purchase: 'on-demand' as const, count: n, usdPerHour: 1 }], replicas: [] },
    ];
    const result = (name: string, usd: number, attainment: number): ContenderResult => ({
      name,
      description: name,
      windows: [],
      fleets: fleet(usd),
      seconds: 1,
      notes: [],
      totals: {
        gpuHours: 0,
        costUsd: usd,
        startupCostUsd: 0,
        modelLoadCostUsd: 0,
        requests: 100,
        servedRequests: 100 * attainment,
        lateRequests: 0,
        unmetRequests: 100 * (1 - attainment),
        pendingRequests: 0,
        attainment,
        attainmentByWorkload: {},
        vmsStarted: 0,
        replicasStarted: 0,
        spotEvictions: 0,
      },
    });
    const own = result('oracle', 100, 1);
    // single-gpu: $90 at full attainment, planner $95 at full attainment, reactive $50 serving 99%.
    const others = [result('planner', 95, 1), result('reactive', 50, 0.99), result('single-gpu', 90, 1)];
    const runs = new Map<string, ContenderRun>(
      others.map((r) => [r.name, { name: r.name, description: r.description, fleets: fleet(r.totals.costUsd), seconds: 1, notes: [] }]),
    );
    const evaluated: ContenderRun[] = [];
    const adopted = await dominatingOracle(own, [own, ...others], runs, async (run) => {
      evaluated.push(run);
      return { ...result(run.name, run.fleets[0]!.vms[0]!.count, 1), description: run.description, notes: run.notes };
    });
    expect(evaluated).toHaveLength(1);
    expect(evaluated[0]!.fleets).toEqual(fleet(90));
    expect(cost(adopted)).toBe(90);
    expect(adopted.name).toBe('oracle');
    expect(adopted.description).toContain("runs single-gpu's plan");
    expect(adopted.notes.join(' ')).toContain('its own MILP plan cost $100.00');
    // Nothing cheaper at the same attainment: the oracle keeps its own plan.
    expect(await dominatingOracle(own, [own, result('reactive', 50, 0.99)], runs, async () => own)).toBe(own);
  });

  it('cost bound: the objective bound less the unmet penalties it may hold, and the gap to it', async () => {
    const input = await simSmall();
    const ctx = await context(input, [24]);
    const sub = singleGpuInput(ctx, input.skus[0]!.gpu);
    const none = costLowerBound(sub, 1000, 0)!;
    // Penalties are $1 per request in sim-small: 10 requests unmet allowed lower the bound by $10 (before the
    // replica tie-break share, a factor within 1e-6 of 1).
    expect(none - costLowerBound(sub, 1000, 10)!).toBeCloseTo(10, 4);
    expect(none).toBeLessThan(1000);
    expect(none).toBeGreaterThan(999);
    expect(costLowerBound(sub, undefined, 0)).toBeUndefined();
    expect(gapToBound(200, 150)).toBeCloseTo(0.25, 12);
    expect(gapToBound(200, 250)).toBe(0);
  });
});
