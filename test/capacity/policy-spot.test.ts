import { describe, expect, it } from 'vitest';
import type { Plan, PlanningInput } from '../../src/capacity/types.js';
import { checkPlan } from '../../src/validate/check-plan.js';
import { allViolations, futuresCheck, priceOf, rateOf, solvePlan, tinyInput, vmCost, vmCount } from '../support/policy-planning.js';

/**
 * Group 5 on one window of tiny.yaml on A100 only: 20 req/s of chat, both origins within 80 ms of both regions
 * (eastus <-> westus2 is 73 ms), headroom 0.1, no start-up cost. One replica = one 1-GPU VM carrying c = 0.9 r
 * req/s, r = llama-3.1-8b's rate on A100 from the perf model; a spot replica carries (1 - p) c.
 */
const SKU = 'NC24ads_A100_v4';
const BASE = [`skus=[${SKU}]`, 'horizon.windows=1', 'purchases=[on-demand,spot]'];

interface Fleet {
  cost: number;
  onDemand: number;
  spot: number;
}

/**
 * Brute force over on-demand and spot VMs per region (a_e, b_e, a_w, b_w): capacity c (a + (1 - p) b) >= 20,
 * spot share b_r <= s (a_r + b_r) per region, on-demand cover c a >= f x 20. The cheapest fleet.
 */
function bruteForce(input: PlanningInput, p: number, share: number, cover: number): Fleet {
  const c = 0.9 * rateOf(input, 'llama-3.1-8b', SKU);
  const regions = ['eastus', 'westus2'];
  const od = regions.map((r) => priceOf(input, SKU, r, 'on-demand'));
  const sp = regions.map((r) => priceOf(input, SKU, r, 'spot'));
  const most = Math.ceil(20 / (c * (1 - p))) + 1;
  let best: Fleet = { cost: Infinity, onDemand: 0, spot: 0 };
  for (let ae = 0; ae <= most; ae++)
    for (let be = 0; be <= most; be++)
      for (let aw = 0; aw <= most; aw++)
        for (let bw = 0; bw <= most; bw++) {
          if (c * (ae + aw + (1 - p) * (be + bw)) < 20 - 1e-9) continue;
          if (be > share * (ae + be) + 1e-9 || bw > share * (aw + bw) + 1e-9) continue;
          if (c * (ae + aw) < cover * 20 - 1e-9) continue;
          const cost = ae * od[0]! + be * sp[0]! + aw * od[1]! + bw * sp[1]!;
          if (cost < best.cost - 1e-9) best = { cost, onDemand: ae + aw, spot: be + bw };
        }
  return best;
}

async function planWith(overrides: string[]): Promise<{ input: PlanningInput; plan: Plan }> {
  const input = await tinyInput([...BASE, ...overrides]);
  return { input, plan: await solvePlan(input) };
}

describe('group 5: spot', () => {
  it('without a policy, spot replaces on-demand at the cheapest spot price', async () => {
    const { input, plan } = await planWith([]);
    const c = 0.9 * rateOf(input, 'llama-3.1-8b', SKU);
    // By hand: ceil(20 / c) VMs, all spot in eastus ($0.444433 < westus2's $0.615962 < on-demand $3.673).
    expect(vmCount(plan, 0, { purchase: 'spot', region: 'eastus' })).toBe(Math.ceil(20 / c));
    expect(vmCost(plan)).toBeCloseTo(Math.ceil(20 / c) * priceOf(input, SKU, 'eastus', 'spot'), 6);
    expect(vmCost(plan)).toBeCloseTo(bruteForce(input, 0, 1, 0).cost, 6);
  });

  it('an eviction probability derates spot capacity: ceil(20 / (0.7 c)) spot VMs at p = 0.3', async () => {
    const { input, plan } = await planWith(['policies.spot.evictionProbability=0.3']);
    const c = 0.9 * rateOf(input, 'llama-3.1-8b', SKU);
    // By hand: spot at $0.444 / 0.7 = $0.63 per c of capacity is still far below on-demand's $3.673, so all spot.
    expect(vmCount(plan, 0, { purchase: 'spot' })).toBe(Math.ceil(20 / (0.7 * c)));
    expect(vmCost(plan)).toBeCloseTo(bruteForce(input, 0.3, 1, 0).cost, 6);
    expect(Math.ceil(20 / (0.7 * c))).toBeGreaterThan(Math.ceil(20 / c)); // the derate binds on this instance
    expect(plan.windows[0]!.replicas.every((r) => r.pool === 'spot')).toBe(true);
    expect(checkPlan(input, plan).violations).toEqual([]);

    // validate: one spot VM and its replica fewer cannot carry 20 req/s at (1 - p) c per replica.
    const broken = structuredClone(plan);
    const window = broken.windows[0]!;
    window.vms.find((vm) => vm.purchase === 'spot')!.count -= 1;
    window.replicas.find((r) => r.pool === 'spot')!.count -= 1;
    const violations = checkPlan(input, broken).violations;
    expect(violations.some((v) => v.group === 'capacity' && /eviction-derated/.test(v.message))).toBe(true);
  });

  it('a max spot share of 50% per region forces one on-demand GPU per spot GPU', async () => {
    const { input, plan } = await planWith(['policies.spot.maxShare=0.5']);
    const best = bruteForce(input, 0, 0.5, 0);
    expect(vmCost(plan)).toBeCloseTo(best.cost, 6);
    for (const region of ['eastus', 'westus2']) {
      expect(vmCount(plan, 0, { region, purchase: 'spot' })).toBeLessThanOrEqual(vmCount(plan, 0, { region, purchase: 'on-demand' }));
    }
    expect(vmCount(plan, 0, { purchase: 'spot' })).toBeGreaterThan(0);
    expect(plan.policies).toBeUndefined(); // the summary is added by the solve command, not the library

    // validate: the on-demand VMs of a region turned spot break the share there.
    const broken = structuredClone(plan);
    const region = broken.windows[0]!.vms.find((vm) => vm.purchase === 'on-demand')!.region;
    for (const vm of broken.windows[0]!.vms)
      if (vm.region === region) Object.assign(vm, { purchase: 'spot', usdPerHour: priceOf(input, SKU, region, 'spot') });
    const merged = new Map<string, (typeof broken.windows)[0]['vms'][0]>();
    for (const vm of broken.windows[0]!.vms) {
      const key = `${vm.region}|${vm.purchase}`;
      if (merged.has(key)) merged.get(key)!.count += vm.count;
      else merged.set(key, vm);
    }
    broken.windows[0]!.vms = [...merged.values()];
    expect(
      checkPlan(input, broken).violations.some((v) => v.group === 'spot' && v.region === region && /maxShare allows 50.0%/.test(v.message)),
    ).toBe(true);
  });

  it.each([1, 0.5])('on-demand covers %sx interactive demand: firm replicas alone carry it', async (factor) => {
    const { input, plan } = await planWith([`policies.spot.onDemandCoversInteractive=${factor}`, 'policies.spot.evictionProbability=0.3']);
    const c = 0.9 * rateOf(input, 'llama-3.1-8b', SKU);
    // By hand: ceil(f x 20 / c) on-demand VMs (eastus and westus2 cost the same), then spot for the rest at 0.7 c.
    const onDemand = Math.ceil((factor * 20) / c);
    const spot = Math.max(0, Math.ceil((20 - onDemand * c) / (0.7 * c) - 1e-9));
    expect(vmCount(plan, 0, { purchase: 'on-demand' })).toBe(onDemand);
    expect(vmCount(plan, 0, { purchase: 'spot' })).toBe(spot);
    expect(vmCost(plan)).toBeCloseTo(bruteForce(input, 0.3, 1, factor).cost, 6);
    expect(await allViolations(input, plan)).toEqual([]);

    // validate: an on-demand VM (and its replica) moved to spot leaves the firm fleet short of f x 20 req/s.
    const broken = structuredClone(plan);
    const window = broken.windows[0]!;
    const vm = window.vms.find((v) => v.purchase === 'on-demand')!;
    vm.count -= 1;
    window.vms.push({ ...vm, count: 1, purchase: 'spot', usdPerHour: priceOf(input, SKU, vm.region, 'spot'), started: 1 });
    const replica = window.replicas.find((r) => r.pool === 'firm' && r.region === vm.region)!;
    replica.count -= 1;
    window.replicas.push({ ...replica, count: 1, pool: 'spot' });
    const futures = await futuresCheck(input, broken);
    expect(futures[0]!.future.name).toMatch(/spot evicted/);
    expect(futures[0]!.violations.length).toBeGreaterThan(0);
    expect(futures[0]!.violations[0]!.group).toBe('spot');
  });
});
