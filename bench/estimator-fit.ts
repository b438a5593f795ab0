import type { Gpu, Llm } from '../src/catalog/types.js';
import { GENERATION_EFFICIENCY, STACK_CONSTANTS, gpuGeneration, type GpuGeneration } from '../src/perf/constants.js';
import { estimateDecodeStepMs, estimatePrefillMs, type EstimatorConstants } from '../src/perf/estimate.js';
import { compareProfiles, DEFAULT_COMPARISON_PROBES, type CatalogLookups } from '../src/perf/compare.js';
import type { MeasuredProfile } from '../src/perf/profiles.js';
import { replicaPerformance } from '../src/perf/replica.js';

/**
 * Fits the analytical estimator's constants (src/perf/constants.ts) to measured timing tables: the stack
 * constants shared by all generations, and mfu, mbu, layerOverheadMs and allReduceHopUs per generation
 * present in the training tables (a generation without training tables gets the Ampere set, the rule
 * constants.ts applies to unmeasured generations). Deterministic: Nelder-Mead from the shipped constants with fixed iteration counts.
 *
 * Loss, per training table (each table weighs the same): the mean squared ln(predicted / measured) max rate
 * over the comparison probes whose measured rate is identifiable (the must-show metric; a probe one side
 * cannot serve counts as ln 10; a `cliff` probe, whose measured rate a 3% timing error moves by more than
 * 30%, carries no information about the constants and stays out), plus
 * half the mean squared ln ratio of the batch-1 prefills and of the decode steps up to 4,096 prompt tokens (the timings behind the
 * rate: they keep the fit from trading a wrong prefill against a wrong decode step).
 */

const STACK_KEYS = [
  'prefillFixedMs',
  'prefillPerGpuMs',
  'sequenceOverheadMsPerLayer',
  'allReduceBandwidthEfficiency',
  'pcieBandwidthEfficiency',
  'pcieRingExponent',
  'pcieHopUs',
] as const;
type StackKey = (typeof STACK_KEYS)[number];
const GENERATION_KEYS = ['mfu', 'mbu', 'layerOverheadMs', 'allReduceHopUs'] as const;
type GenerationKey = (typeof GENERATION_KEYS)[number];
/** Shares (0..1) are fitted as logits, the other constants as logs (all positive). */
const SHARES = new Set<string>(['allReduceBandwidthEfficiency', 'pcieBandwidthEfficiency', 'mfu', 'mbu']);

export interface FittedConstants {
  stack: Record<StackKey, number>;
  generations: Partial<Record<GpuGeneration, Record<GenerationKey, number>>>;
}

export function shippedConstants(generations: readonly GpuGeneration[]): FittedConstants {
  return {
    stack: Object.fromEntries(STACK_KEYS.map((k) => [k, STACK_CONSTANTS[k]])) as Record<StackKey, number>,
    generations: Object.fromEntries(
      generations.map((g) => [g, Object.fromEntries(GENERATION_KEYS.map((k) => [k, GENERATION_EFFICIENCY[g][k]]))]),
    ),
  };
}

/** The override for one GPU: the fitted generation's set, or Ampere's when it had no training table. */
export function overrideFor(fit: FittedConstants, gpu: Gpu): Partial<EstimatorConstants> {
  const generation = fit.generations[gpuGeneration(gpu)] ?? fit.generations.ampere ?? GENERATION_EFFICIENCY.ampere;
  return { ...fit.stack, ...generation };
}

interface Table {
  profile: MeasuredProfile;
  llm: Llm;
  gpu: Gpu;
  /** Measured max rate per probe (fixed during the fit). */
  measured: number[];
  /** Probes whose measured rate is not identifiable (compare.ts `cliff`): left out of the rate loss. */
  cliff: boolean[];
  maxBatch: number;
}

export function prepareTables(catalog: CatalogLookups, profiles: readonly MeasuredProfile[]): Table[] {
  return profiles.map((profile) => {
    const rates = compareProfiles(catalog, [profile]).rates;
    return {
      profile,
      llm: catalog.llms.get(profile.llm)!,
      gpu: catalog.gpus.get(profile.gpu)!,
      measured: rates.map((r) => r.measuredPerSec),
      cliff: rates.map((r) => r.cliff !== undefined),
      maxBatch: Math.max(...profile.points.map((p) => p.batchSize)),
    };
  });
}

const MISS = Math.log(10) ** 2;

/**
 * Timing points above this prompt length stay out of the loss: the probes go to 2,048 tokens, and at 8,192
 * the tables show what no term here models (SageServe's decode step doubles; Splitwise's prefill per token
 * jumps), which would otherwise pull the constants the probes depend on.
 */
const MAX_FIT_PROMPT = 4096;

function rateLoss(table: Table, c: Partial<EstimatorConstants>): number {
  const { llm, gpu, profile } = table;
  let rate = 0;
  let probes = 0;
  DEFAULT_COMPARISON_PROBES.forEach((probe, i) => {
    if (table.cliff[i]) return;
    probes++;
    const predicted = replicaPerformance(
      llm,
      gpu,
      profile.tp,
      probe.slo,
      { meanInputTokens: probe.inputTokens, meanOutputTokens: probe.outputTokens },
      { estimateOnly: true, estimator: c, maxBatch: table.maxBatch },
    ).maxRequestsPerSec;
    const measured = table.measured[i]!;
    if (predicted === 0 && measured === 0) return;
    rate += predicted === 0 || measured === 0 ? MISS : Math.log(predicted / measured) ** 2;
  });
  return rate / Math.max(1, probes);
}

function timingLoss(table: Table, c: Partial<EstimatorConstants>): number {
  const { llm, gpu, profile } = table;
  let prefill = 0;
  let prefills = 0;
  let decode = 0;
  let decodes = 0;
  for (const p of profile.points) {
    if (p.promptTokens > MAX_FIT_PROMPT) continue;
    if (p.batchSize === 1) {
      prefill += Math.log(estimatePrefillMs(llm, gpu, profile.tp, p.promptTokens, 1, c) / p.prefillMs) ** 2;
      prefills++;
    }
    decodes++;
    decode += Math.log(estimateDecodeStepMs(llm, gpu, profile.tp, p.batchSize, p.promptTokens + 64, c) / p.decodeStepMs) ** 2;
  }
  return 0.5 * (prefill / Math.max(1, prefills) + decode / Math.max(1, decodes));
}

/** Parameter vector <-> constants: logs of the positive constants, logits of the shares. */
function codec(generations: readonly GpuGeneration[]) {
  const to = (k: string, v: number) => (SHARES.has(k) ? Math.log(v / (1 - v)) : Math.log(v));
  const from = (k: string, y: number) => (SHARES.has(k) ? 1 / (1 + Math.exp(-y)) : Math.exp(y));
  const encode = (fit: FittedConstants): number[] => [
    ...STACK_KEYS.map((k) => to(k, fit.stack[k])),
    ...generations.flatMap((g) => GENERATION_KEYS.map((k) => to(k, fit.generations[g]![k]))),
  ];
  const decode = (x: readonly number[]): FittedConstants => ({
    stack: Object.fromEntries(STACK_KEYS.map((k, i) => [k, from(k, x[i]!)])) as Record<StackKey, number>,
    generations: Object.fromEntries(
      generations.map((g, j) => [
        g,
        Object.fromEntries(GENERATION_KEYS.map((k, i) => [k, from(k, x[STACK_KEYS.length + GENERATION_KEYS.length * j + i]!)])) as Record<
          GenerationKey,
          number
        >,
      ]),
    ),
  });
  return { encode, decode };
}

export function fitConstants(training: readonly Table[]): { fit: FittedConstants; loss: number } {
  const generations = [...new Set(training.map((t) => gpuGeneration(t.gpu)))].sort();
  const { encode, decode } = codec(generations);
  const lossOf =
    (rates: boolean) =>
    (x: readonly number[]): number => {
      const fit = decode(x);
      let sum = 0;
      for (const t of training) {
        const c = overrideFor(fit, t.gpu);
        sum += timingLoss(t, c) + (rates ? rateLoss(t, c) : 0);
      }
      return sum / training.length;
    };
  // Two stages, for time: the timings alone (cheap) from the shipped constants, then the whole loss from there.
  const start = encode(shippedConstants(generations));
  const timings = nelderMead(lossOf(false), start, 0.5, 2500);
  const whole = nelderMead(lossOf(true), timings.x, 0.1, 400);
  return { fit: decode(whole.x), loss: whole.f };
}

/** Nelder-Mead minimisation (standard coefficients), deterministic. */
function nelderMead(f: (x: readonly number[]) => number, start: readonly number[], step: number, iterations: number) {
  const n = start.length;
  let simplex = [start, ...start.map((_, i) => start.map((v, j) => (i === j ? v + step : v)))].map((x) => ({ x, f: f(x) }));
  for (let it = 0; it < iterations; it++) {
    simplex.sort((a, b) => a.f - b.f);
    const worst = simplex[n]!;
    const centroid = start.map((_, j) => simplex.slice(0, n).reduce((s, p) => s + p.x[j]!, 0) / n);
    const along = (t: number) => centroid.map((c, j) => c + t * (worst.x[j]! - c));
    const reflected = along(-1);
    const fr = f(reflected);
    if (fr < simplex[0]!.f) {
      const expanded = along(-2);
      const fe = f(expanded);
      simplex[n] = fe < fr ? { x: expanded, f: fe } : { x: reflected, f: fr };
    } else if (fr < simplex[n - 1]!.f) {
      simplex[n] = { x: reflected, f: fr };
    } else {
      const contracted = fr < worst.f ? along(-0.5) : along(0.5);
      const fc = f(contracted);
      if (fc < Math.min(fr, worst.f)) simplex[n] = { x: contracted, f: fc };
      else {
        const bestX = simplex[0]!.x;
        simplex = simplex.map((p, i) => {
          if (i === 0) return p;
          const x = bestX.map((b, j) => b + 0.5 * (p.x[j]! - b));
          return { x, f: f(x) };
        });
      }
    }
  }
  simplex.sort((a, b) => a.f - b.f);
  return simplex[0]!;
}
