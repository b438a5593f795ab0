import { describe, expect, it } from 'vitest';
import { checkPlan } from '../../src/validate/check-plan.js';
import { rateOf, solvePlan, tinyInput } from '../support/policy-planning.js';

/** tiny.yaml on one region and the A100 sku (llama-3.1-8b, 1000 in / 200 out tokens, TTFT 2 s, TPOT 100 ms, 20 req/s). */
const SKU = 'NC24ads_A100_v4';
const ONE_REGION = [`skus=[${SKU}]`, 'regions=[eastus]', 'workloads.0.demand.origins={eastus: 1}', 'horizon.windows=1'];
const GIB = 2 ** 30;
// llama-3.1-8b: 2 x 32 layers x 8 KV heads x 128 x 2 bytes per token; 8.03e9 x 2 bytes of weights; A100 80 GiB at 90%.
const KV_BYTES_PER_TOKEN = 2 * 32 * 8 * 128 * 2;
const FREE_GIB = 80 * 0.9 - (8.03e9 * 2) / GIB;

describe('policies.kvMemory: load and routing: single-path from a scenario', () => {
  it('resolves the KV figures: free memory per replica, and GiB held per req/s over the SLO residency', async () => {
    const input = await tinyInput([...ONE_REGION, 'policies.kvMemory=load']);
    const kv = input.candidates.find((c) => c.sku === SKU)!.kv!;
    expect(kv.freeGib).toBeCloseTo(FREE_GIB, 9);
    // TTFT 2 s + 199 further tokens x 100 ms = 21.9 s holding 1200 tokens.
    expect(kv.gibPerRequestPerSec.get('chat')).toBeCloseTo((1200 * 21.9 * KV_BYTES_PER_TOKEN) / GIB, 9);
    const given = await tinyInput([...ONE_REGION, 'policies.kvMemory=load', 'workloads.0.kvResidencySeconds=120']);
    expect(given.candidates[0]!.kv!.gibPerRequestPerSec.get('chat')).toBeCloseTo((1200 * 120 * KV_BYTES_PER_TOKEN) / GIB, 9);
    expect((await tinyInput(ONE_REGION)).candidates[0]!.kv).toBeUndefined();
  });

  it('a 120 s residency makes memory, not the rate, size the fleet: ceil(20 x GiB per req/s / free) replicas', async () => {
    const off = await tinyInput(ONE_REGION);
    const on = await tinyInput([...ONE_REGION, 'policies.kvMemory=load', 'workloads.0.kvResidencySeconds=120']);
    const byRate = Math.ceil(20 / (0.9 * rateOf(off, 'llama-3.1-8b', SKU)) - 1e-9);
    const byMemory = Math.ceil((20 * 1200 * 120 * KV_BYTES_PER_TOKEN) / GIB / FREE_GIB - 1e-9);
    expect(byMemory).toBeGreaterThan(byRate); // the row binds here
    const count = (plan: Awaited<ReturnType<typeof solvePlan>>) => plan.windows[0]!.replicas.reduce((s, r) => s + r.count, 0);
    expect(count(await solvePlan(off))).toBe(byRate);
    const plan = await solvePlan(on);
    expect(count(plan)).toBe(byMemory);
    expect(checkPlan(on, plan).violations).toEqual([]);
    // The plan sized by rate alone breaks the KV row.
    const byRatePlan = await solvePlan(off);
    expect(checkPlan(on, byRatePlan).violations.map((v) => v.group)).toEqual(['kv-memory']);
  });
});
