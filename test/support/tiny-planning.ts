import type { Candidate, PlanningInput, SkuOffer } from '../../src/capacity/types.js';
import { lcg } from '../solvers/cases.js';

const REGIONS = ['eastus', 'westus2'];
const SKU_POOL = [
  { sku: 'small-a10', gpu: 'A10', gpusPerVm: 1, usdPerHour: 1.2 },
  { sku: 'duo-a10', gpu: 'A10', gpusPerVm: 2, usdPerHour: 2.3 },
  { sku: 'one-a100', gpu: 'A100', gpusPerVm: 1, usdPerHour: 3.7 },
  { sku: 'quad-a100', gpu: 'A100', gpusPerVm: 4, usdPerHour: 14 },
  { sku: 'duo-h100', gpu: 'H100', gpusPerVm: 2, usdPerHour: 13.9 },
];

export function latency(a: string, b: string): number {
  return a === b ? 2 : 60;
}

/**
 * A random tiny planning instance: 1-2 windows, 1-2 regions, 2-3 skus, 1-2 llms, TP 1-2, one workload,
 * optionally a quota. Deterministic per seed.
 */
export function randomTinyInput(seed: number): PlanningInput {
  const random = lcg(seed * 7919 + 17);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
  const regions = REGIONS.slice(0, 1 + Math.floor(random() * 2));
  const windows = Array.from({ length: 1 + Math.floor(random() * 2) }, (_, t) => ({ start: `2024-05-10T0${t}:00:00Z`, hours: 1 }));
  const shuffled = [...SKU_POOL].sort(() => random() - 0.5).slice(0, 2 + Math.floor(random() * 2));
  const skus: SkuOffer[] = shuffled.map((s) => ({
    sku: s.sku,
    gpu: s.gpu,
    gpusPerVm: s.gpusPerVm,
    prices: regions
      .filter(() => random() > 0.15)
      .map((region, i) => ({
        region,
        purchase: 'on-demand' as const,
        usdPerHour: Math.round(s.usdPerHour * (1 + 0.1 * i + 0.2 * random()) * 1000) / 1000,
      })),
  }));
  const llms = ['small-llm', 'big-llm'].slice(0, 1 + Math.floor(random() * 2));
  const candidates: Candidate[] = [];
  for (const sku of skus) {
    for (const llm of llms) {
      for (const tp of [1, 2]) {
        if (sku.gpusPerVm % tp !== 0) continue;
        if (random() < 0.25) continue;
        const base = (llm === 'small-llm' ? 2 : 0.8) * (sku.gpu === 'H100' ? 3 : sku.gpu === 'A100' ? 1.8 : 1);
        const rate = Math.round(base * tp ** 0.8 * (0.7 + 0.6 * random()) * 100) / 100;
        for (const price of sku.prices) {
          candidates.push({ llm, sku: sku.sku, tp, region: price.region, requestsPerSecByWorkload: new Map([['chat', rate]]) });
        }
      }
    }
  }
  const maxNetworkRttMs = pick([30, 100]);
  const demand = [regions.map(() => windows.map(() => Math.round(random() * 80) / 10))];
  const quotas = random() < 0.4 ? [{ gpu: pick(shuffled).gpu, region: pick(regions), gpus: 1 + Math.floor(random() * 4) }] : [];
  return {
    windows,
    regions,
    purchases: ['on-demand'],
    skus,
    workloads: [{ id: 'chat', origins: regions, maxNetworkRttMs, unmetPenaltyUsdPerRequest: 0.01 }],
    candidates,
    demand,
    latencyMs: latency,
    policies: { headroom: 0.1, startupHours: 0, quotas, currentFleet: [] },
  };
}
