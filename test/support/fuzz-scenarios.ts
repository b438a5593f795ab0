import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compareStrings } from '../../src/order.js';
import { mulberry32 } from '../../src/random.js';

/**
 * Random small scenarios for the solve fuzz (test/fuzz): 1-4 windows, 1-4 serving regions with demand from
 * up to 6 origins, 1-3 skus, and the policies that make plans hard to get right: quotas, hard and soft
 * budgets, spot, replica floors, scale limits, a current fleet, reservations, tight SLOs that exclude
 * configs, demand that is zero in some windows, and slow configs (long requests on a small GPU at tp 1, or
 * a calibration factor that scales a config's throughput down) whose replicas carry routes from many
 * origins. About one in twelve is broken on purpose (an unknown id, a share sum, an impossible quota
 * window), so the bad-input path is exercised too. Deterministic per seed.
 */
export interface FuzzInstance {
  seed: number;
  /** File name -> content; the scenario is `scenario.json`. */
  files: Record<string, string>;
  /** What the instance was built to exercise, for the tallies. */
  traits: string[];
}

const AZURE_REGIONS = ['eastus', 'eastus2', 'centralus', 'southcentralus', 'westus2', 'westus3'];
const SKUS = [
  { sku: 'NC24ads_A100_v4', gpu: 'A100-80GB-PCIe', gpusPerVm: 1 },
  { sku: 'NC48ads_A100_v4', gpu: 'A100-80GB-PCIe', gpusPerVm: 2 },
  { sku: 'NV36ads_A10_v5', gpu: 'A10-24GB', gpusPerVm: 1 },
  { sku: 'NV72ads_A10_v5', gpu: 'A10-24GB', gpusPerVm: 2 },
  { sku: 'NC4as_T4_v3', gpu: 'T4-16GB', gpusPerVm: 1 },
  { sku: 'NC40ads_H100_v5', gpu: 'H100-NVL-94GB', gpusPerVm: 1 },
];
const LLMS = ['llama-3.2-3b', 'llama-3.1-8b', 'mistral-7b'];
/** Too big for most of the skus at tp 1: its configs are excluded, or the workload cannot be served. */
const BIG_LLM = 'qwen2.5-32b';
const STRATEGIES = ['per-window', 'auto', 'joint', 'rolling', 'lp-rolling'];
const START = Date.UTC(2024, 4, 13, 0);
/** (sku, region) pairs with an on-demand price in the catalog: where a current fleet or a reservation can be. */
const PRICED = new Set(
  readFileSync(join(import.meta.dirname, '..', '..', 'models', 'prices.csv'), 'utf8')
    .split('\n')
    .filter((line) => line.includes(',on-demand,'))
    .map((line) => line.split(',').slice(0, 2).join('|')),
);

export function fuzzInstance(seed: number): FuzzInstance {
  const random = mulberry32(seed * 2654435761);
  const chance = (p: number) => random() < p;
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const some = <T>(items: readonly T[], min: number, max: number): T[] => {
    const shuffled = items.map((item) => ({ item, key: random() })).sort((a, b) => a.key - b.key);
    return shuffled.slice(0, min + Math.floor(random() * (max - min + 1))).map((s) => s.item);
  };
  const traits: string[] = [];
  const files: Record<string, string> = {};

  const purchases = chance(0.3) ? ['on-demand', 'spot'] : ['on-demand'];
  // Spot doubles the fleet columns: such instances stay at 1-2 windows, so the joint MILPs stay small.
  const windows = 1 + Math.floor(random() * (purchases.length > 1 ? 2 : 4));
  const windowHours = chance(0.2) ? 2 : 1;
  const regions = some(AZURE_REGIONS, 1, 4);
  // Origins: the serving regions and often more, so one config's replicas carry routes from many origins.
  const origins = [...new Set([...regions, ...some(AZURE_REGIONS, 0, 6)])];
  const skus = some(SKUS, 1, 3);
  const tp = chance(0.7) ? [1] : [1, 2];
  if (origins.length >= 3) traits.push('many origins');

  const slowMix = chance(0.35);
  // Throughput scaled down by a calibration factor: demand stays small, so fleets stay a few replicas.
  const slowThroughput = chance(0.45);
  if (slowMix) traits.push('long requests');
  const workloads = Array.from({ length: chance(0.3) ? 2 : 1 }, (_, w) => {
    const id = `w${w}`;
    const demand: Record<string, unknown> = { origins: shares(origins, random) };
    if (chance(0.5)) {
      const levels = slowThroughput ? [0.02, 0.1, 0.3] : [0.05, 0.3, 2, 8, 25];
      demand.constantRequestsPerSec = chance(0.1) ? 0 : round(pick(levels) * (0.5 + random()), 3);
    } else {
      // An hourly profile over the horizon, zero in some hours.
      const file = `profile-${w}.csv`;
      const rows = ['hour_start_utc,requests_per_sec_mean,requests_per_sec_low,requests_per_sec_high'];
      const level = pick(slowThroughput ? [0.02, 0.1, 0.3] : [0.05, 0.5, 3, 12]);
      let zeros = 0;
      for (let h = 0; h < windows * windowHours; h++) {
        const zero = chance(0.3);
        zeros += zero ? 1 : 0;
        const mean = zero ? 0 : round(level * (0.3 + 1.4 * random()), 3);
        rows.push(
          `${new Date(START + h * 3_600_000).toISOString().replace('.000Z', 'Z')},${mean},${round(mean * 0.8, 3)},${round(mean * 1.3, 3)}`,
        );
      }
      if (zeros) traits.push('zero-demand windows');
      files[file] = `${rows.join('\n')}\n`;
      demand.profile = file;
      demand.statistic = pick(['mean', 'peak']);
      if (chance(0.3)) demand.scale = pick([0.1, 2]);
    }
    const tight = chance(0.15);
    const big = chance(0.15);
    if (tight) traits.push('tight slo');
    return {
      id,
      llms: big ? [BIG_LLM, ...some(LLMS, 0, 1)] : some(LLMS, 1, 2),
      ...(chance(big ? 0.6 : 0.2) ? { llmChoice: 'cheapest' } : {}),
      ...(w === 1 && chance(0.4) ? { deadlineHours: pick([1, 2, 4]) } : {}),
      slo: {
        // Long requests need a long TTFT: most configs then pass, the slow ones among them.
        ttftMs: tight ? pick([150, 300, 600]) : slowMix ? pick([3000, 10000, 30000]) : pick([1000, 2000, 5000]),
        tpotMs: tight ? pick([15, 25, 40]) : slowMix ? pick([100, 200]) : pick([60, 100, 200]),
        maxNetworkRttMs: pick([20, 40, 80, 200, 200]),
      },
      requestMix: slowMix
        ? { meanInputTokens: pick([8000, 20000]), meanOutputTokens: pick([1000, 3000]) }
        : { meanInputTokens: pick([200, 1000, 3000]), meanOutputTokens: pick([50, 200, 500]) },
      demand,
      unmetPenaltyUsdPerRequest: pick([0.05, 1, 10]),
      ...(chance(0.1) ? { sizeClasses: 2 } : {}),
    };
  });

  // Slow configs by calibration: a factor of a few hundredths on one config's replica rate.
  let calibration: string | undefined;
  if (slowThroughput) {
    const rows = ['llm,gpu,tp,factor'];
    const llms = [...new Set(workloads.flatMap((w) => w.llms))].sort(compareStrings);
    const gpus = [...new Set(skus.map((s) => s.gpu))].sort(compareStrings);
    for (const llm of llms)
      for (const gpu of gpus)
        for (const degree of tp) if (chance(0.6)) rows.push(`${llm},${gpu},${degree},${pick([0.01, 0.03, 0.1, 0.3])}`);
    if (rows.length > 1) {
      files['calibration.csv'] = `${rows.join('\n')}\n`;
      calibration = 'calibration.csv';
      traits.push('scaled-down throughput');
    }
  }

  const policies: Record<string, unknown> = {
    headroom: pick([0, 0.1, 0.3]),
    startupMinutes: pick([0, 10, 30]),
  };
  if (chance(0.3)) policies.modelLoad = false;
  if (chance(0.35)) {
    policies.quotas = Array.from({ length: 1 + Math.floor(random() * 2) }, () => {
      const from = Math.floor(random() * windows);
      return {
        gpu: pick(skus).gpu,
        region: pick(regions),
        gpus: Math.floor(random() * 4),
        ...(chance(0.3) ? { fromWindow: from, toWindow: from + Math.floor(random() * (windows - from)) } : {}),
      };
    });
    traits.push('quotas');
  }
  if (chance(0.3)) {
    policies.budget = { usd: pick([1, 5, 20, 100, 1000]), mode: chance(0.5) ? 'hard' : 'soft' };
    traits.push(`budget ${(policies.budget as { mode: string }).mode}`);
  }
  const priced = regions.flatMap((region) => skus.filter((s) => PRICED.has(`${s.sku}|${region}`)).map((s) => ({ region, sku: s.sku })));
  if (priced.length && chance(0.2)) policies.currentFleet = [{ ...pick(priced), count: 1 + Math.floor(random() * 2) }];
  if (priced.length && chance(0.15)) policies.reserved = [{ ...pick(priced), count: 1, sunkUsdPerHour: pick([0, 1.5]) }];
  if (chance(0.2)) policies.maxScaleOutPerWindow = 1 + Math.floor(random() * 3);
  if (chance(0.15)) policies.maxScaleInPerWindow = Math.floor(random() * 2);
  if (purchases.includes('spot')) {
    traits.push('spot');
    policies.spot = {
      ...(chance(0.5) ? { maxShare: pick([0, 0.5, 1]) } : {}),
      ...(chance(0.4) ? { evictionProbability: pick([0.05, 0.3]) } : {}),
      ...(chance(0.2) ? { onDemandCoversInteractive: pick([0.5, 1]) } : {}),
    };
  }
  if (chance(0.25)) {
    policies.locality = {
      ...(chance(0.6) ? { minReplicasPerLlm: pick([2, 3]) } : {}),
      // Every origin must be a serving region for an in-region share to mean anything.
      ...(origins.length === regions.length && chance(0.5) ? { minInRegionShare: pick([0.2, 0.8]) } : {}),
      ...(chance(0.05) ? { nPlusOne: true } : {}),
    };
    traits.push('replica floors');
  }
  if (chance(0.1)) policies.kvMemory = 'load';
  if (chance(0.1)) policies.routing = 'single-path';

  const scenario: Record<string, unknown> = {
    name: `fuzz-${seed}`,
    catalog: 'builtin:models',
    ...(calibration ? { calibration } : {}),
    horizon: { start: new Date(START).toISOString().replace('.000Z', 'Z'), windows, windowHours },
    regions,
    skus: skus.map((s) => s.sku),
    tp,
    purchases,
    workloads,
    policies,
    // per-window plans windows apart, which scale limits forbid (exit 2 by design): not worth a draw.
    solver: {
      strategy: pick(policies.maxScaleOutPerWindow || policies.maxScaleInPerWindow !== undefined ? STRATEGIES.slice(1) : STRATEGIES),
      gap: pick([0, 0.005]),
    },
  };
  if (chance(0.08)) {
    breakOnPurpose(scenario, pick);
    traits.push('broken on purpose');
  }
  files['scenario.json'] = `${JSON.stringify(scenario, null, 2)}\n`;
  return { seed, files, traits };
}

/** One mistake a user makes: each must be exit 2 naming the field. */
function breakOnPurpose(scenario: Record<string, unknown>, pick: <T>(items: readonly T[]) => T): void {
  const workload = (scenario.workloads as Array<Record<string, unknown>>)[0]!;
  const policies = scenario.policies as Record<string, unknown>;
  pick([
    () => void (scenario.regions = [...(scenario.regions as string[]), 'atlantis']),
    () => void ((workload.demand as Record<string, unknown>).origins = { eastus: 0.7, westus2: 0.7 }),
    () => void (workload.llms = ['llama-9-1t']),
    () => void (policies.quotas = [{ gpu: 'A10-24GB', region: (scenario.regions as string[])[0], gpus: 1, fromWindow: 3, toWindow: 1 }]),
    () => void (scenario.workloads = [workload, { ...workload }]),
    () => void (policies.headroom = 1.5),
  ])();
}

/** Shares over `origins` that sum to 1 exactly in thousandths. */
function shares(origins: readonly string[], random: () => number): Record<string, number> {
  const weights = origins.map(() => 1 + Math.floor(random() * 9));
  const total = weights.reduce((a, b) => a + b, 0);
  const thousandths = weights.map((w) => Math.floor((w * 1000) / total));
  thousandths[0]! += 1000 - thousandths.reduce((a, b) => a + b, 0);
  return Object.fromEntries(origins.map((origin, i) => [origin, thousandths[i]! / 1000]));
}

function round(value: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
}
