import { describe, expect, it } from 'vitest';
import { checkPlan } from '../../src/validate/check-plan.js';
import { allViolations, futuresCheck, priceOf, rateOf, solvePlan, tinyInput, vmCost, vmCount } from '../support/policy-planning.js';

/**
 * Group 6 on one window of tiny.yaml on A100 only, on-demand: 20 req/s of chat, 12 from eastus and 8 from
 * westus2, both regions at $3.673 per VM-hour and 73 ms apart (within chat's 80 ms). One replica = one VM
 * carrying c = 0.9 r req/s, r from the perf model.
 */
const SKU = 'NC24ads_A100_v4';
const BASE = [`skus=[${SKU}]`, 'horizon.windows=1'];

describe('group 6: locality and resilience', () => {
  it('in-region share 1: each origin is served at home, ceil(12 / c) + ceil(8 / c) VMs', async () => {
    const input = await tinyInput([...BASE, 'policies.locality.minInRegionShare=1']);
    const plan = await solvePlan(input);
    const c = 0.9 * rateOf(input, 'llama-3.1-8b', SKU);
    expect(vmCount(plan, 0, { region: 'eastus' })).toBe(Math.ceil(12 / c));
    expect(vmCount(plan, 0, { region: 'westus2' })).toBe(Math.ceil(8 / c));
    expect(plan.windows[0]!.routes.every((r) => r.origin === r.region)).toBe(true);

    // validate: half of eastus's demand rerouted to westus2 breaks the share (capacity aside).
    const broken = structuredClone(plan);
    const route = broken.windows[0]!.routes.find((r) => r.origin === 'eastus')!;
    route.requestsPerSec /= 2;
    broken.windows[0]!.routes.push({ ...route, region: 'westus2' });
    const violations = checkPlan(input, broken).violations.filter((v) => v.group === 'locality');
    expect(violations).toHaveLength(1);
    expect(violations[0]!.message).toMatch(/eastus: 6.0000 of 12.0000 req\/s served in eastus \(50.0%\); minInRegionShare is 100.0%/);
  });

  it('minimum 3 replicas per llm where it runs, with both regions serving at home', async () => {
    const input = await tinyInput([...BASE, 'policies.locality.minInRegionShare=1', 'policies.locality.minReplicasPerLlm=3']);
    const plan = await solvePlan(input);
    const c = 0.9 * rateOf(input, 'llama-3.1-8b', SKU);
    // By hand: max(3, ceil(12 / c)) in eastus and max(3, ceil(8 / c)) in westus2.
    expect(vmCount(plan, 0, { region: 'eastus' })).toBe(Math.max(3, Math.ceil(12 / c)));
    expect(vmCount(plan, 0, { region: 'westus2' })).toBe(Math.max(3, Math.ceil(8 / c)));
    expect(Math.ceil(8 / c)).toBeLessThan(3); // the minimum binds on this instance

    const broken = structuredClone(plan);
    broken.windows[0]!.replicas.find((r) => r.region === 'westus2')!.count = 2;
    const violations = checkPlan(input, broken).violations.filter((v) => v.group === 'locality');
    expect(violations.map((v) => v.message)).toEqual(['2 replicas of llama-3.1-8b in westus2; minReplicasPerLlm is 3 where it runs']);
  });

  it('N+1: each region alone carries all 20 req/s; the cost of resilience is ceil(20 / c) VMs more', async () => {
    const without = await solvePlan(await tinyInput(BASE));
    const input = await tinyInput([...BASE, 'policies.locality.nPlusOne=true']);
    const plan = await solvePlan(input);
    const c = 0.9 * rateOf(input, 'llama-3.1-8b', SKU);
    const price = priceOf(input, SKU, 'eastus', 'on-demand');
    // By hand: without N+1, ceil(20 / c) VMs anywhere; with it, losing either region leaves the other to
    // carry both origins (73 ms <= 80 ms), so ceil(20 / c) in each.
    expect(vmCost(without)).toBeCloseTo(Math.ceil(20 / c) * price, 6);
    expect(vmCount(plan, 0, { region: 'eastus' })).toBe(Math.ceil(20 / c));
    expect(vmCount(plan, 0, { region: 'westus2' })).toBe(Math.ceil(20 / c));
    expect(vmCost(plan) - vmCost(without)).toBeCloseTo(Math.ceil(20 / c) * price, 6);
    expect(await allViolations(input, plan)).toEqual([]);
    // The plan without N+1 does not survive the loss of its larger region: the other's n VMs carry n c.
    const lost = vmCount(without, 0, { region: 'eastus' }) >= vmCount(without, 0, { region: 'westus2' }) ? 'eastus' : 'westus2';
    const left = vmCount(without, 0) - vmCount(without, 0, { region: lost });
    const [loss] = await futuresCheck(await tinyInput(BASE), without, [lost]);
    expect(loss!.future.name).toBe(`loss of ${lost}`);
    expect(loss!.shortRequests).toBeCloseTo((20 - left * c) * 3600, -1);

    // validate: one replica fewer in westus2 and the loss of eastus leaves chat short.
    const broken = structuredClone(plan);
    broken.windows[0]!.replicas.find((r) => r.region === 'westus2')!.count -= 1;
    const results = await futuresCheck(input, broken);
    const eastus = results.find((r) => r.future.lostRegion === 'eastus')!;
    expect(eastus.violations.length).toBeGreaterThan(0);
    expect(eastus.violations.every((v) => v.group === 'resilience')).toBe(true);
    expect(results.find((r) => r.future.lostRegion === 'westus2')!.violations).toEqual([]);
  });

  it('N+1 exempts origins no surviving region can reach: with a 10 ms bound it costs nothing extra', async () => {
    // Each origin can only be served at home (73 ms > 10 ms), so losing a region loses its origin's demand
    // whatever the fleet: documented as exempt, and N+1 adds no VMs.
    const tight = [...BASE, 'workloads.0.slo.maxNetworkRttMs=10'];
    const base = await solvePlan(await tinyInput(tight));
    const input = await tinyInput([...tight, 'policies.locality.nPlusOne=true']);
    const plan = await solvePlan(input);
    expect(vmCost(plan)).toBeCloseTo(vmCost(base), 6);
    expect(await allViolations(input, plan)).toEqual([]);
  });
});
