import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bestPartitions, splitSizeClasses } from '../../src/demand/size-classes.js';
import type { RequestSizeBucket } from '../../src/demand/types.js';
import { loadScenarioFile, planScenario, validatePlan } from '../../src/index.js';
import { planOf } from '../../src/plan-document/convert.js';

const MELANGE = resolve('test/fixtures/scenarios/melange-form.yaml');
const CONV_MIX = resolve('traces/conv-2023-request-mix.csv');

/** Every way to cut n ordered items into k contiguous non-empty runs. */
function* cuts(n: number, k: number, from = 0): Generator<number[]> {
  if (k === 1) {
    yield [];
    return;
  }
  for (let c = from + 1; c <= n - (k - 1); c++) for (const rest of cuts(n, k - 1, c)) yield [c, ...rest];
}

function bruteForce(buckets: RequestSizeBucket[], k: number, cost: (part: readonly RequestSizeBucket[]) => number): number {
  let best = Number.POSITIVE_INFINITY;
  for (const cut of cuts(buckets.length, k)) {
    const bounds = [0, ...cut, buckets.length];
    let total = 0;
    for (let c = 0; c + 1 < bounds.length; c++) {
      const part = buckets.slice(bounds[c], bounds[c + 1]);
      total += part.reduce((s, b) => s + b.share, 0) * cost(part);
    }
    best = Math.min(best, total);
  }
  return best;
}

/** A made-up non-additive class cost: two "GPU types", one cheap for small requests, one flat but with a size floor. */
const toyCost = (part: readonly RequestSizeBucket[]) => {
  const share = part.reduce((s, b) => s + b.share, 0);
  const mean = part.reduce((s, b) => s + b.share * (b.inputTokens + 4 * b.outputTokens), 0) / share;
  const largest = Math.max(...part.map((b) => b.inputTokens + b.outputTokens));
  const small = largest > 1500 ? Number.POSITIVE_INFINITY : 0.5 + mean / 400;
  return Math.min(small, 3 + mean / 2000);
};

function toyBuckets(n: number, seed: number): RequestSizeBucket[] {
  let x = seed;
  const next = () => (x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const raw = Array.from({ length: n }, () => ({
    inputTokens: Math.round(50 + 2000 * next()),
    outputTokens: Math.round(10 + 500 * next()),
    share: 0.05 + next(),
  }));
  const total = raw.reduce((s, b) => s + b.share, 0);
  return raw.map((b) => ({ ...b, share: b.share / total }));
}

describe('size-class DP', () => {
  it('matches brute force over every contiguous partition', () => {
    for (let seed = 1; seed <= 6; seed++) {
      const buckets = toyBuckets(7, seed);
      const parts = bestPartitions(buckets, 4, toyCost);
      parts.forEach((p, k) => {
        expect(p.objective).toBeCloseTo(bruteForce(buckets, k + 1, toyCost), 12);
        expect(p.cuts).toHaveLength(k);
      });
    }
  });

  it('splits into classes whose shares sum to 1, each bucket once; deterministic', () => {
    const buckets = toyBuckets(9, 42);
    for (const wanted of [1, 2, 3, 'auto'] as const) {
      const split = splitSizeClasses(buckets, wanted, toyCost);
      const flat = split.classes.flat();
      expect(flat).toHaveLength(buckets.length);
      expect(new Set(flat).size).toBe(buckets.length);
      expect(flat.reduce((s, b) => s + b.share, 0)).toBeCloseTo(1, 12);
      if (wanted !== 'auto') expect(split.classes.length).toBeLessThanOrEqual(wanted);
      expect(splitSizeClasses(buckets, wanted, toyCost)).toEqual(split);
    }
  });

  it('auto stops where one more class improves the objective by less than 0.1%', () => {
    const buckets = toyBuckets(9, 7);
    const split = splitSizeClasses(buckets, 'auto', toyCost);
    const k = split.classes.length;
    const { objectives } = split;
    for (let i = 1; i < k; i++) expect(objectives[i]!).toBeLessThan(objectives[i - 1]! * 0.999);
    if (k < objectives.length) expect(objectives[k]!).toBeGreaterThanOrEqual(objectives[k - 1]! * 0.999);
  });
});

/** The conversation mix's buckets, as the CSV states them. */
function convBuckets(): RequestSizeBucket[] {
  const [, ...rows] = readFileSync(CONV_MIX, 'utf8').trim().split('\n');
  const buckets = rows.map((row) => {
    const cells = row.split(',');
    return { share: Number(cells[5]), inputTokens: Number(cells[6]), outputTokens: Number(cells[7]) };
  });
  const total = buckets.reduce((s, b) => s + b.share, 0);
  return buckets.map((b) => ({ ...b, share: b.share / total }));
}

/** (a): one workload per mix bucket, each with the bucket's sizes and share of the demand. */
function perBucketScenario(): string {
  const text = readFileSync(MELANGE, 'utf8');
  const [head, rest] = text.split('workloads:\n');
  const policies = rest!.slice(rest!.indexOf('policies:'));
  const workloads = convBuckets()
    .map(
      (b, i) =>
        `  - id: b${i}\n    llms: [llama-3.1-8b]\n    slo: { ttftMs: 2000, tpotMs: 100, maxNetworkRttMs: 80 }\n    requestMix: { meanInputTokens: ${b.inputTokens}, meanOutputTokens: ${b.outputTokens} }\n    demand: { constantRequestsPerSec: ${40 * b.share}, origins: { eastus: 1 } }\n`,
    )
    .join('');
  const dir = mkdtempSync(join(tmpdir(), 'size-classes-'));
  const file = join(dir, 'per-bucket.yaml');
  writeFileSync(file, `${head!.replace('catalog: builtin:models', 'catalog: builtin:models')}workloads:\n${workloads}${policies}`);
  return file;
}

describe('size classes on the Mélange-form instance', () => {
  it('auto reaches the per-bucket optimum within 0.5%; one class is strictly costlier', async () => {
    const perBucket = await planScenario(await loadScenarioFile(perBucketScenario()));
    const one = await planScenario(await loadScenarioFile(MELANGE));
    const autoLoaded = await loadScenarioFile(MELANGE, { set: ['workloads.0.sizeClasses=auto'] });
    const auto = await planScenario(autoLoaded);
    for (const r of [perBucket, one, auto]) {
      expect(r.result.plan.status).toBe('optimal');
      expect(r.result.plan.totals.unmetRequests).toBe(0);
    }
    const a = perBucket.result.plan.totals.costUsd;
    const b = one.result.plan.totals.costUsd;
    const c = auto.result.plan.totals.costUsd;
    expect(c).toBeLessThanOrEqual(a * 1.005);
    expect(b).toBeGreaterThan(c * 1.01);

    // Units: one per class, demand summing to the workload's 40 requests/s.
    const classes = autoLoaded.input.sizeClasses![0]!.classes;
    expect(classes.length).toBeGreaterThan(1);
    expect(autoLoaded.input.workloads.map((w) => w.id)).toEqual(classes.map((k) => k.unit));
    expect(classes.reduce((s, k) => s + k.share, 0)).toBeCloseTo(1, 9);
    const demand = autoLoaded.input.demand.reduce((s, unit) => s + unit[0]![0]!, 0);
    expect(demand).toBeCloseTo(40, 9);
    // The summary accounts for every class's served requests.
    const summary = auto.document.sizeClasses![0]!;
    for (const k of summary.classes) expect(k.gpuShares.reduce((s, g) => s + g.share, 0)).toBeCloseTo(1, 3);
    // Same input, same plan.
    const again = await planScenario(await loadScenarioFile(MELANGE, { set: ['workloads.0.sizeClasses=auto'] }));
    expect(JSON.stringify({ ...again.document, solver: null })).toBe(JSON.stringify({ ...auto.document, solver: null }));
  }, 180_000);

  it('validate accepts the class routing and rejects a class moved onto another class', async () => {
    const loaded = await loadScenarioFile(MELANGE, { set: ['workloads.0.sizeClasses=2'] });
    const { document } = await planScenario(loaded);
    expect((await validatePlan(loaded.input, planOf(document))).check.ok).toBe(true);
    // Relabel the large class's routes as the small class: each class's demand is then not met as planned.
    const tampered = structuredClone(document);
    for (const route of tampered.windows[0]!.routes) if (route.workload.endsWith('#2')) route.workload = route.workload.replace('#2', '#1');
    const check = (await validatePlan(loaded.input, planOf(tampered))).check;
    expect(check.ok).toBe(false);
  }, 120_000);

  it('single-path routing sends each class whole to one config', async () => {
    const loaded = await loadScenarioFile(MELANGE, { set: ['workloads.0.sizeClasses=2', 'policies.routing=single-path'] });
    const { result } = await planScenario(loaded);
    expect(result.plan.totals.unmetRequests).toBe(0);
    for (const unit of loaded.input.workloads) {
      const configs = new Set(
        result.plan.windows[0]!.routes.filter((r) => r.workload === unit.id).map((r) => `${r.llm}|${r.sku}|${r.tp}|${r.region}`),
      );
      expect(configs.size, unit.id).toBe(1);
    }
  }, 120_000);
});
