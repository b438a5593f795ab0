import { describe, expect, it } from 'vitest';
import { evictSpot } from '../../src/simulate/eviction.js';
import { simulate } from '../../src/simulate/runner.js';
import type { FleetWindow } from '../../src/simulate/types.js';
import { glpkSolve, simSmall } from './support.js';

const SKU = 'NC48ads_A100_v4'; // 2 GPUs per VM in sim-small's catalog

function spotFleet(spot: number, onDemand = 0): FleetWindow {
  return {
    vms: [
      { region: 'eastus', sku: SKU, purchase: 'spot', count: spot, usdPerHour: 2 },
      ...(onDemand > 0 ? [{ region: 'eastus', sku: SKU, purchase: 'on-demand' as const, count: onDemand, usdPerHour: 7 }] : []),
    ],
    replicas: [{ llm: 'llama-3.1-8b', sku: SKU, tp: 1, region: 'eastus', count: 2 * (spot + onDemand) }],
  };
}

describe('spot evictions in the evaluation', () => {
  it('with probability 0 nothing changes; with 1 every spot VM goes and its GPU-time leaves the replicas', async () => {
    const input = await simSmall();
    expect(input.skus.find((s) => s.sku === SKU)!.gpusPerVm).toBe(2);
    const fleet = spotFleet(10, 5);
    expect(evictSpot(input, fleet, 30, 0)).toEqual({ fleet, evictions: [] });
    const all = evictSpot(input, fleet, 30, 1);
    expect(all.evictions).toHaveLength(1);
    const [eviction] = all.evictions;
    expect(eviction!.count).toBe(10);
    expect(eviction!.unbilledVmWindows).toBeGreaterThan(0);
    expect(eviction!.unbilledVmWindows).toBeLessThan(10);
    expect(all.fleet.vms).toEqual([fleet.vms[1]]); // the on-demand VMs stay
    // 30 replicas on 30 GPUs lose the evicted VMs' unserved GPU-time: 2 GPUs x unbilled VM-windows.
    expect(all.fleet.replicas[0]!.effectiveCount).toBeCloseTo(30 - 2 * eviction!.unbilledVmWindows, 9);
  });

  it('draws are common random numbers: the same VMs go in every contender, the same every run', async () => {
    const input = await simSmall();
    for (let t = 0; t < 40; t++) {
      const small = evictSpot(input, spotFleet(10), t, 0.3);
      const large = evictSpot(input, spotFleet(20), t, 0.3);
      expect(evictSpot(input, spotFleet(10), t, 0.3)).toEqual(small);
      // VM i of (sku, region) in window t draws the same in both fleets: the larger loses at least as many.
      expect(large.evictions[0]?.count ?? 0).toBeGreaterThanOrEqual(small.evictions[0]?.count ?? 0);
      expect(large.evictions[0]?.unbilledVmWindows ?? 0).toBeGreaterThanOrEqual((small.evictions[0]?.unbilledVmWindows ?? 0) - 1e-12);
    }
  });

  it('evicts at the scenario probability, at a uniform time in the window', async () => {
    const input = await simSmall();
    let evicted = 0;
    let unbilled = 0;
    const vms = 500;
    const windows = 40;
    for (let t = 0; t < windows; t++) {
      const outcome = evictSpot(input, spotFleet(vms), t, 0.1);
      evicted += outcome.evictions[0]?.count ?? 0;
      unbilled += outcome.evictions[0]?.unbilledVmWindows ?? 0;
    }
    expect(evicted / (vms * windows)).toBeGreaterThan(0.09);
    expect(evicted / (vms * windows)).toBeLessThan(0.11);
    expect(unbilled / evicted).toBeGreaterThan(0.47);
    expect(unbilled / evicted).toBeLessThan(0.53);
  });

  it('a simulation with spot VMs reports evictions, and costs still recompute from the fleets', async () => {
    const input = await simSmall(['purchases=[on-demand,spot]', 'policies.spot.evictionProbability=0.2']);
    const options = {
      contenders: ['planner' as const, 'oracle' as const],
      solve: await glpkSolve(),
      solverName: 'glpk',
      relativeGap: 0.01,
      timeLimitSec: 10,
    };
    const result = await simulate(input, options);
    for (const contender of result.contenders) {
      expect(
        contender.fleets.some((f) => f.vms.some((vm) => vm.purchase === 'spot')),
        contender.name,
      ).toBe(true);
      expect(contender.totals.spotEvictions, contender.name).toBeGreaterThan(0);
      let cost = 0;
      for (const [k, fleet] of contender.fleets.entries()) {
        for (const vm of fleet.vms) {
          const eviction = vm.purchase === 'spot' ? fleet.evictions?.find((e) => e.sku === vm.sku && e.region === vm.region) : undefined;
          cost += (vm.count - (eviction?.unbilledVmWindows ?? 0)) * vm.usdPerHour * input.windows[result.windows[k]!]!.hours;
        }
      }
      expect(contender.totals.costUsd, contender.name).toBeCloseTo(cost, 6);
      // Planned with spot capacity derated by the eviction probability (the whole window), they lose little.
      expect(contender.totals.attainment, contender.name).toBeGreaterThan(0.99);
    }
    const again = await simulate(input, options);
    expect(again.contenders.map((s) => s.totals)).toEqual(result.contenders.map((s) => s.totals));
  });
});
