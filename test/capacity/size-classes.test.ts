import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bestPartitions, splitSizeClasses } from '../../src/demand/size-classes.js';
import type { RequestSizeBucket } from '../../src/demand/types.js';
import { loadScenarioFile, planScenario, validatePlan } from '../../src/index.js';
import { planCapacity, type SolveFn } from '../../src/capacity/solve.js';
import { isMip } from '../../src/lp/types.js';
import { planOf } from '../../src/plan-document/convert.js';
import { getSolver } from '../../src/solvers/registry.js';

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
        `  - id: b${i}\n    llms: [llama-3.1-8b]\n    slo: { ttftMs: 2000, tpotMs: 100, maxNetworkRttMs: 80 }\n    requestMix: { meanInputTokens: ${b.inputTokens}, meanOutputTokens: ${b.outputTokens} }\n    demand: { constantRequestsPerSec: ${400 * b.share}, origins: { eastus: 1 } }\n`,
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
    expect(demand).toBeCloseTo(400, 9);
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

describe('workload figures of a split workload', () => {
  it('plan.json sums the classes back to the workload; validate recomputes every figure', async () => {
    const loaded = await loadScenarioFile(MELANGE, { set: ['workloads.0.sizeClasses=2'] });
    const { document } = await planScenario(loaded);
    expect(document.totals.unmetRequests).toBe(0);
    // 400 requests/s for one hour, all served: 1,440,000 requests, each class its share of them.
    const [summary] = document.sizeClasses!;
    expect(summary!.workload).toBe('conv');
    expect(summary!.servedRequests).toBe(1_440_000);
    expect(summary!.unmetRequests).toBe(0);
    for (const k of summary!.classes) {
      expect(Math.abs(k.servedRequests! - k.share * 1_440_000)).toBeLessThanOrEqual(1);
      expect(k.unmetRequests).toBe(0);
    }
    // The workload's share per GPU type is the classes' shares weighted by their served requests.
    for (const { gpu, share } of summary!.gpuShares!) {
      const weighted = summary!.classes.reduce(
        (s, k) => s + (k.servedRequests! * (k.gpuShares.find((g) => g.gpu === gpu)?.share ?? 0)) / 1_440_000,
        0,
      );
      expect(share).toBeCloseTo(weighted, 3);
    }
    expect(summary!.gpuShares!.reduce((s, g) => s + g.share, 0)).toBeCloseTo(1, 3);
    // Model choice names the workload once, with each class below it.
    expect(document.modelChoice).toEqual([
      {
        workload: 'conv',
        llmChoice: 'first',
        allowedLlms: ['llama-3.1-8b'],
        minQuality: null,
        servedShareByLlm: { 'llama-3.1-8b': 1 },
        qualityServed: expect.any(Number),
        classes: summary!.classes.map((k) => ({
          unit: k.unit,
          servedShareByLlm: { 'llama-3.1-8b': 1 },
          qualityServed: expect.any(Number),
        })),
      },
    ]);
    expect((await validatePlan(loaded.input, planOf(document))).check.ok).toBe(true);

    const tamper = async (edit: (d: typeof document) => void) => {
      const copy = structuredClone(document);
      edit(copy);
      return (await validatePlan(loaded.input, planOf(copy))).check.violations.map((v) => v.figure);
    };
    expect(await tamper((d) => (d.sizeClasses![0]!.servedRequests! += 1000))).toContain('sizeClasses[0].servedRequests');
    expect(await tamper((d) => (d.sizeClasses![0]!.classes[1]!.unmetRequests = 5))).toContain('sizeClasses[0].classes[1].unmetRequests');
    expect(await tamper((d) => (d.sizeClasses![0]!.gpuShares![0]!.share = 0.5))).toContain('sizeClasses[0].gpuShares[0].share');
    expect(await tamper((d) => (d.modelChoice![0]!.classes![0]!.servedShareByLlm = { 'mistral-7b': 1 }))).toContain(
      'modelChoice[0].classes[0].servedShareByLlm.llama-3.1-8b',
    );
    expect(await tamper((d) => (d.modelChoice![0]!.workload = 'conv#1'))).toContain('modelChoice[0].workload');
  }, 120_000);

  it('one class keeps model choice as before: no classes, no size-class section', async () => {
    const loaded = await loadScenarioFile(MELANGE);
    const { document } = await planScenario(loaded);
    expect(document.sizeClasses).toBeUndefined();
    expect(document.modelChoice!.map((c) => Object.keys(c))).toEqual([
      ['workload', 'llmChoice', 'allowedLlms', 'minQuality', 'servedShareByLlm', 'qualityServed'],
    ]);
  }, 120_000);
});

describe("lp-rolling with size classes: a window held to the LP's service", () => {
  it('serves what the LP served on the shortlist, without re-solving over every config', async () => {
    // Hours 12-14 of the default week: chat's longest bucket is a class of its own that only one 8-GPU
    // config serves within the SLO, and the restricted MILP would rather pay its penalty than serve it.
    const set = ['workloads.0.sizeClasses=2', 'workloads.1.sizeClasses=2'];
    const loaded = await loadScenarioFile('builtin:scenarios/default.yaml', { set, windows: '12..14' });
    const solver = await getSolver('auto');
    const milpColumns = new Map<string, number[]>();
    const solve: SolveFn = (program, options) => {
      const windows = new Set(program.columnLabels.flatMap((l) => l.match(/t=(\d+)/)?.[1] ?? []));
      const [window] = windows;
      if (isMip(program) && windows.size === 1) milpColumns.set(window!, [...(milpColumns.get(window!) ?? []), program.objective.length]);
      return solver.solve(program, options);
    };
    const result = await planCapacity(loaded.input, solve, 'auto', { strategy: 'lp-rolling', relativeGap: 0.005, timeLimitSec: 600 });
    expect(result.solver.reason).toMatch(/windows? held to the LP's service on the shortlist/);
    expect(result.solver.reason).not.toMatch(/needed every config/);
    // Each window solved its shortlist MILP and, where held, the same program with unmet bounded: never a wider one.
    expect([...milpColumns.keys()].sort()).toEqual(['0', '1', '2']);
    for (const sizes of milpColumns.values()) expect(new Set(sizes).size).toBe(1);
    expect([...milpColumns.values()].some((sizes) => sizes.length === 2)).toBe(true);
    // The LP serves everything here, and so does the plan; the validator agrees with it.
    expect(result.plan.totals.unmetRequests).toBe(0);
    expect((await validatePlan(loaded.input, result.plan)).check.ok).toBe(true);
  }, 300_000);
});
