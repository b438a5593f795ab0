import { describe, expect, it } from 'vitest';
import type { PlanningInput } from '../../src/capacity/types.js';
import { Backlog } from '../../src/simulate/backlog.js';
import { FleetEvaluator, evaluateFleets } from '../../src/simulate/evaluate.js';
import { simulate } from '../../src/simulate/runner.js';
import { CONTENDER_NAMES } from '../../src/simulate/contenders.js';
import type { FleetWindow } from '../../src/simulate/types.js';
import { glpkSolve, simSmallBatch } from './support.js';

describe('the deferrable backlog', () => {
  it('serves oldest first, drops what passes its deadline, and knows what falls due', () => {
    const backlog = new Backlog(3); // a request of window s is due by the end of window s + 2
    backlog.arrive(10, 100);
    backlog.arrive(11, 50);
    backlog.arrive(12, 30);
    expect(backlog.dueBy(11)).toBe(0);
    expect(backlog.dueBy(12)).toBe(100);
    expect(backlog.dueBy(13)).toBe(150);
    expect(backlog.serve(120)).toBe(120); // all of window 10, 20 of window 11
    expect(backlog.expire(12)).toBe(0);
    expect(backlog.dueBy(13)).toBe(30);
    expect(backlog.expire(13)).toBe(30); // window 11's last 30 missed their deadline
    expect(backlog.pending()).toBe(30);
    expect(backlog.serve(1000)).toBe(30);
    expect(backlog.pending()).toBe(0);
  });

  it('paces to half the deadline: the least constant rate that meets every shortened deadline', () => {
    const backlog = new Backlog(4); // pacing to 2 windows: a request of window s by the end of s + 1
    backlog.arrive(0, 40);
    backlog.arrive(1, 20);
    // At window 2 both are due (0 + 1 and 1 + 1 <= 2): 60 in one window.
    expect(backlog.pace(2, 0.5)).toBe(60);
    const later = new Backlog(4);
    later.arrive(5, 40);
    // At window 5 with only window 5's arrivals waiting: due by 6, two windows away: 20 a window.
    expect(later.pace(5, 0.5)).toBe(20);
    expect(later.pace(5, 1)).toBeCloseTo(40 / 4, 12); // by the full deadline, window 8: four windows
  });
});

function batchIndex(input: PlanningInput): number {
  return input.workloads.findIndex((w) => w.id === 'batch');
}

describe('evaluating deferrable work', () => {
  it('with no capacity for it, every request is dropped exactly at its deadline', async () => {
    const input = await simSmallBatch();
    const b = batchIndex(input);
    const windows = Array.from({ length: 12 }, (_, k) => 24 + k);
    const fleets: FleetWindow[] = windows.map(() => ({ vms: [], replicas: [] }));
    const result = await evaluateFleets(
      { input, windows, actual: input.demand, events: [], startFleet: [], solve: await glpkSolve() },
      { name: 'none', description: 'no fleet', fleets, seconds: 0 },
    );
    const arrivals = (t: number) => input.demand[b]!.reduce((sum, series) => sum + series[t]!, 0);
    for (const window of result.windows) {
      const entry = window.byWorkload.batch!;
      expect(entry.servedRps).toBe(0);
      // Deadline 6 h: window s's requests are dropped at the end of window s + 5.
      expect(entry.unmetRps).toBeCloseTo(window.index - 5 >= 24 ? arrivals(window.index - 5) : 0, 9);
    }
    const last = result.windows.at(-1)!;
    const pending = [0, 1, 2, 3, 4].reduce((sum, d) => sum + arrivals(last.index - d) * 3600, 0);
    expect(last.byWorkload.batch!.backlogRequests).toBeCloseTo(pending, 3);
    expect(result.totals.pendingRequests).toBeCloseTo(pending, 3);
    expect(result.totals.attainmentByWorkload.batch).toBe(0);
  });

  it('serves the backlog with what interactive traffic leaves, interactive first', async () => {
    const input = await simSmallBatch();
    const b = batchIndex(input);
    const code = input.workloads.findIndex((w) => w.id === 'code');
    const candidate = input.candidates.find(
      (c) => c.llm === 'llama-3.1-8b' && c.sku === 'NC40ads_H100_v5' && c.tp === 1 && c.region === 'eastus',
    )!;
    const rate = (id: string) => candidate.requestsPerSecByWorkload.get(id)!;
    const fleet: FleetWindow = {
      vms: [{ region: 'eastus', sku: candidate.sku, purchase: 'on-demand', count: 4, usdPerHour: 7 }],
      replicas: [{ llm: candidate.llm, sku: candidate.sku, tp: 1, region: 'eastus', count: 4 }],
    };
    // Window 30: code fills 60% of the four replicas from eastus; 20 h of batch-worth arrive there.
    const t = 30;
    const batchRps = 20 * rate('batch');
    const actual = input.workloads.map((workload, w) =>
      workload.origins.map((origin) =>
        input.windows.map((_, i) => (i !== t || origin !== 'eastus' ? 0 : w === code ? 0.6 * 4 * rate('code') : w === b ? batchRps : 0)),
      ),
    );
    const result = await evaluateFleets(
      { input, windows: [t], actual, events: [], startFleet: [], solve: await glpkSolve() },
      { name: 'one replica group', description: '', fleets: [fleet], seconds: 0 },
    );
    const window = result.windows[0]!;
    expect(window.byWorkload.code!.servedRps).toBeCloseTo(0.6 * 4 * rate('code'), 6);
    // The 40% left serves batch at its own rate: 1.6 replicas' worth; the rest waits (deadline not reached).
    expect(window.byWorkload.batch!.servedRps).toBeCloseTo(1.6 * rate('batch'), 6);
    expect(window.byWorkload.batch!.unmetRps).toBe(0);
    expect(window.byWorkload.batch!.backlogRequests).toBeCloseTo((batchRps - 1.6 * rate('batch')) * 3600, 3);
    expect(window.utilisation).toBeCloseTo(1, 6);
  });
});

describe('the batch scheduler follows the plan', () => {
  it('serves the origins the plan scheduled first, not the nearest ones', async () => {
    const input = await simSmallBatch();
    const b = batchIndex(input);
    const east = input.workloads[b]!.origins.indexOf('eastus');
    const west = input.workloads[b]!.origins.indexOf('westus2');
    const candidate = input.candidates.find(
      (c) => c.llm === 'llama-3.1-8b' && c.sku === 'NC40ads_H100_v5' && c.tp === 1 && c.region === 'eastus',
    )!;
    const rate = candidate.requestsPerSecByWorkload.get('batch')!;
    expect(input.latencyMs('westus2', 'eastus')).toBeGreaterThan(input.latencyMs('eastus', 'eastus'));
    // Window 30: two replicas in eastus, 3 replicas' worth of batch waiting from each origin (arrived in 29).
    const actual = input.workloads.map((workload, w) =>
      workload.origins.map(() => input.windows.map((_, i) => (w === b && i === 29 ? 3 * rate : 0))),
    );
    const fleet = (deferred?: FleetWindow['deferred']): FleetWindow => ({
      vms: [{ region: 'eastus', sku: candidate.sku, purchase: 'on-demand', count: 2, usdPerHour: 7 }],
      replicas: [{ llm: candidate.llm, sku: candidate.sku, tp: 1, region: 'eastus', count: 2 }],
      ...(deferred ? { deferred } : {}),
    });
    const empty: FleetWindow = { vms: [], replicas: [] };
    const run = async (deferred?: FleetWindow['deferred']) => {
      const evaluator = new FleetEvaluator({ input, windows: [29, 30], actual, events: [], startFleet: [], solve: await glpkSolve() });
      await evaluator.step(0, empty);
      await evaluator.step(1, fleet(deferred));
      return [east, west].map((o) => (3 * rate * 3600 - evaluator.backlog(b, o)!.pending()) / 3600);
    };
    // Unguided, the router prefers the short round trip: eastus's backlog takes both replicas.
    const [eastFree, westFree] = await run();
    expect(eastFree).toBeCloseTo(2 * rate, 6);
    expect(westFree).toBeCloseTo(0, 6);
    // The plan scheduled 1.5 replicas' worth from westus2: that first, eastus gets the rest.
    const [eastPlanned, westPlanned] = await run([{ workload: 'batch', origin: 'westus2', requestsPerSec: 1.5 * rate }]);
    expect(westPlanned).toBeCloseTo(1.5 * rate, 6);
    expect(eastPlanned).toBeCloseTo(0.5 * rate, 6);
  });
});

describe('simulating a scenario with deferrable work', () => {
  it('every contender conserves requests (served + dropped + pending = arrived) and the backlog adds up window by window', async () => {
    const input = await simSmallBatch();
    const result = await simulate(input, {
      contenders: CONTENDER_NAMES,
      solve: await glpkSolve(),
      solverName: 'glpk',
      relativeGap: 0.01,
      timeLimitSec: 10,
    });
    for (const contender of result.contenders) {
      let backlog = 0;
      for (const window of contender.windows) {
        const entry = window.byWorkload.batch!;
        backlog += (entry.demandRps - entry.servedRps - entry.unmetRps) * window.hours * 3600;
        expect(entry.backlogRequests!, `${contender.name} window ${window.index}`).toBeCloseTo(backlog, 2);
        for (const id of ['code', 'chat']) {
          const interactive = window.byWorkload[id]!;
          expect(interactive.servedRps + interactive.unmetRps).toBeCloseTo(interactive.demandRps, 6);
        }
      }
      const totals = contender.totals;
      expect(totals.servedRequests + totals.unmetRequests + totals.pendingRequests, contender.name).toBeCloseTo(totals.requests, 1);
    }
    const by = new Map(result.contenders.map((s) => [s.name, s]));
    // The planner, pacing its backlog to half the deadline, and the oracle drop nothing.
    expect(by.get('planner')!.totals.attainmentByWorkload.batch).toBeCloseTo(1, 9);
    expect(by.get('oracle')!.totals.attainmentByWorkload.batch).toBeCloseTo(1, 9);
    expect(by.get('planner')!.totals.gpuHours).toBeLessThan(by.get('siloed')!.totals.gpuHours);
  });

  it('the planner reads no demand at or after its planning point, batch backlog included', async () => {
    const input = await simSmallBatch();
    const poisoned = {
      ...input,
      demand: input.demand.map((origins) => origins.map((series) => series.map((v, t) => (t >= 36 ? Number.NaN : v)))),
    };
    const options = {
      contenders: ['planner' as const, 'reactive' as const],
      days: 0.5,
      solve: await glpkSolve(),
      solverName: 'glpk',
      relativeGap: 0.01,
      timeLimitSec: 10,
    };
    const a = await simulate(input, options);
    const b = await simulate(poisoned, options);
    const strip = (r: typeof a) => r.contenders.map(({ seconds: _s, notes: _n, ...rest }) => rest);
    expect(strip(b)).toEqual(strip(a));
    expect(a.contenders[0]!.windows.some((w) => w.byWorkload.batch!.servedRps > 0)).toBe(true);
  });
});
