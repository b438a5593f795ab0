import type { Gpu, Llm } from '../catalog/types.js';
import type { RequestMix } from '../demand/types.js';
import { MAX_BATCH } from './constants.js';
import { estimateDecodeStepMs, estimatePrefillMs, type EstimatorConstants } from './estimate.js';
import { memoryFit } from './memory.js';
import { mixStats, type MixStats } from './mix.js';
import { measuredRate, type RateProfiles } from './measured-rates.js';
import { configKey, interpolateProfile, type MeasuredProfile, type MeasuredProfiles } from './profiles.js';
import { maxOf } from '../extremes.js';

/**
 * What one replica (an llm on tp GPUs) sustains for a request mix under a TTFT and TPOT SLO. Pure; the
 * measured profiles are passed in (src/perf/index.ts loads the built-in ones).
 *
 * Definitions (printed by `planner profile`):
 * - TTFT: mean time from a request's arrival to its first token at the replica's steady-state load: its
 *   own prefill, the decode step in flight, and the wait behind other prefills (below).
 * - TPOT: mean time between consecutive output tokens of one request after the first (excludes TTFT), at
 *   steady-state load: one decode step at the running batch plus the prefills of other requests that the
 *   engine runs between its steps. A decode-only figure (a benchmark at a fixed batch without arrivals)
 *   is lower; GuideLLM's or vLLM's mean ITL under load matches this one.
 * - Both are means, not percentiles.
 *
 * Steady state with B running requests (continuous batching, prefills run between decode steps): with
 * arrival rate lambda, per second the replica spends lambda x E[prefill] in prefill and the rest in decode
 * steps, each advancing the B requests by one token, and must produce lambda x E[decode steps] tokens:
 *   lambda x E[prefill] + (lambda x E[steps] / B) x step = 1  =>  lambda = B / (B x E[prefill] + E[steps] x step)
 * i.e. time per request = B x (its prefill) + (its decode steps) x step, in batch-slot time. For a bucketed
 * mix the expectations are share-weighted over buckets of this *time per request*. Averaging per-bucket
 * rates instead would be wrong: a replica doing 10 small or 1 large request/s serves a 50/50 mix at
 * 1 / (0.5/10 + 0.5/1) = 1.8 requests/s, not 5.5.
 * Between two of its tokens a request waits one step plus, on average, the prefills of the other B - 1
 * slots' new requests spread over their decode steps: TPOT = step + (B - 1) x E[prefill] / E[steps].
 * TTFT queueing allowance: prefills form a queue served at the replica's steady-state prefill utilisation
 * rho = lambda x E[prefill]; its mean wait (Pollaczek-Khinchine, Poisson arrivals) is
 * lambda x E[prefill^2] / (2 (1 - rho)). It is an allowance, not a model of the whole engine.
 *
 * Batch choice: every B from 1 to the memory limit (KV cache for B requests of the mix's mean final
 * length, weighted by time in the batch), MAX_BATCH and, with a measured profile, its largest measured
 * batch (never extrapolated in batch); the B with the highest rate that meets both SLOs wins (the largest
 * such B on ties). Rate, TPOT and TTFT all grow with B, so this is the largest feasible B; choosing by rate
 * makes "a looser SLO never lowers the rate" hold by construction.
 */
export interface Slo {
  ttftMs: number;
  tpotMs: number;
}

/** estimate: the roofline model; measured: timing tables; measured-rates: rate curves or rate tables. */
export type PerfSource = 'estimate' | 'measured' | 'measured-rates';
export type BatchLimit = 'tpot' | 'ttft' | 'memory' | 'max-batch' | 'measured-range';

export interface ReplicaPerformance {
  llm: string;
  gpu: string;
  tp: number;
  /** Weights and one largest request fit in memory, TP splits the heads, requests fit the context. */
  fits: boolean;
  /** Fits and meets both SLOs at batch 1 or more. */
  meetsSlo: boolean;
  /** Why it does not fit or cannot meet the SLO. */
  reason?: string;
  /** Running requests at the chosen load (0 when it does not fit or cannot meet the SLO). */
  batch: number;
  /** At the chosen batch (at batch 1 when the SLO cannot be met; null when it does not fit). */
  ttftMs: number | null;
  tpotMs: number | null;
  /** Mean prefill of one request of the mix and the decode step at the chosen batch, ms. */
  prefillMs: number | null;
  /** Second moment of one request's prefill, ms^2 (the queueing estimate's variance term). */
  prefillSquaredMs2: number | null;
  decodeStepMs: number | null;
  /** Calibrated max sustainable request rate under the SLO (0 when it does not fit or cannot meet it). */
  maxRequestsPerSec: number;
  /** Output (generated) tokens per second at that rate. */
  tokensPerSec: number;
  source: PerfSource;
  /** How the measured rates gave the rate (source measured-rates). */
  basis?: string;
  /** Files the measurements came from (empty for the estimate). */
  measuredIn: string[];
  /** A measured lookup fell outside the measured prompt range and was clamped. */
  extrapolated: boolean;
  /** What stops a larger batch. */
  limitedBy?: BatchLimit;
  /** The calibration factor applied to the rate. */
  calibration: number;
  weightsGibPerGpu: number;
  /** Largest batch the KV cache holds for this mix. */
  maxBatchByMemory: number;
}

export interface ReplicaOptions {
  /** Measured timing profiles by configKey; where one exists for (llm, gpu, tp) it replaces the estimate. */
  profiles?: MeasuredProfiles;
  /**
   * Measured rates (rate curves, rate tables) by configKey; where one exists the rate is read from them,
   * carried over to other sizes and limits by the timing model (src/perf/measured-rates.ts).
   */
  rates?: RateProfiles;
  /** Calibration factor (observed / predicted rate) per configKey, or a function; default 1. */
  calibration?: ReadonlyMap<string, number> | ((llm: Llm, gpu: Gpu, tp: number) => number | undefined);
  /** Overrides of the estimator's efficiency constants (tests, benches). */
  estimator?: Partial<EstimatorConstants>;
  /** Ignore measured profiles (estimate only). */
  estimateOnly?: boolean;
  /** Largest batch to consider (e.g. a measured table's largest, to compare an estimate at the same loads). */
  maxBatch?: number;
}

export type ReplicaRate = (llm: Llm, gpu: Gpu, tp: number, slo: Slo, mix: RequestMix) => number;

/** The timings one replica runs at: the estimate or a measured profile. */
interface Timings {
  source: PerfSource;
  /** Batch sizes above this are not available (measured range). */
  maxBatch: number;
  prefillMs(promptTokens: number): number;
  decodeStepMs(batch: number, mix: MixStats): number;
  extrapolated: boolean;
}

function estimatedTimings(llm: Llm, gpu: Gpu, tp: number, constants?: Partial<EstimatorConstants>): Timings {
  return {
    source: 'estimate',
    maxBatch: Infinity,
    extrapolated: false,
    prefillMs: (promptTokens) => estimatePrefillMs(llm, gpu, tp, promptTokens, 1, constants),
    decodeStepMs: (batch, mix) => estimateDecodeStepMs(llm, gpu, tp, batch, mix.slotContextTokens, constants),
  };
}

/**
 * Measured timings: prefill of one prompt at batch 1; a decode step at the batch's mean prompt (the
 * tables' prompt axis; the context grows by the output during decode, which the tables' own 128-token
 * runs include).
 */
function measuredTimings(profile: MeasuredProfile): Timings {
  const timings: Timings = {
    source: 'measured',
    maxBatch: maxOf(profile.points.map((p) => p.batchSize)),
    extrapolated: false,
    prefillMs: (promptTokens) => {
      const t = interpolateProfile(profile, promptTokens, 1);
      timings.extrapolated ||= t.extrapolated;
      return t.prefillMs;
    },
    decodeStepMs: (batch, mix) => {
      const t = interpolateProfile(profile, mix.slotInputTokens, batch);
      timings.extrapolated ||= t.extrapolated;
      return t.decodeStepMs;
    },
  };
  return timings;
}

function calibrationFactor(options: ReplicaOptions, llm: Llm, gpu: Gpu, tp: number): number {
  const { calibration } = options;
  const factor = typeof calibration === 'function' ? calibration(llm, gpu, tp) : calibration?.get(configKey(llm.id, gpu.id, tp));
  if (factor === undefined) return 1;
  if (!(factor > 0) || !Number.isFinite(factor))
    throw new RangeError(`calibration factor for ${configKey(llm.id, gpu.id, tp)} must be a positive number, got ${factor}`);
  return factor;
}

interface Load {
  batch: number;
  stepMs: number;
  ratePerSec: number;
  tpotMs: number;
  ttftMs: number;
}

export function replicaPerformance(
  llm: Llm,
  gpu: Gpu,
  tp: number,
  slo: Slo,
  mix: RequestMix,
  options: ReplicaOptions = {},
): ReplicaPerformance {
  const rates = options.estimateOnly ? undefined : options.rates?.get(configKey(llm.id, gpu.id, tp));
  const modelled = timingPerformance(llm, gpu, tp, slo, mix, options);
  if (!rates || !modelled.fits) return modelled;
  const uncalibrated = { ...options, rates: undefined, calibration: undefined };
  const measured = measuredRate(rates, mix, slo, (m, s) => timingPerformance(llm, gpu, tp, s, m, uncalibrated).maxRequestsPerSec);
  const rate = measured.rps * modelled.calibration;
  const { reason: _modelReason, limitedBy: _modelLimit, ...rest } = modelled;
  return {
    ...rest,
    source: 'measured-rates',
    measuredIn: [...new Set([...modelled.measuredIn, ...measured.files])].sort(),
    meetsSlo: rate > 0,
    ...(rate > 0 ? { basis: measured.reason } : { reason: measured.reason }),
    maxRequestsPerSec: rate,
    tokensPerSec: rate * mixStats(mix).meanOutputTokens,
  };
}

/** The timing model: measured timing tables where the config has one, the estimate otherwise. */
function timingPerformance(llm: Llm, gpu: Gpu, tp: number, slo: Slo, mix: RequestMix, options: ReplicaOptions): ReplicaPerformance {
  const stats = mixStats(mix);
  const profile = options.estimateOnly ? undefined : options.profiles?.get(configKey(llm.id, gpu.id, tp));
  const timings = profile ? measuredTimings(profile) : estimatedTimings(llm, gpu, tp, options.estimator);
  const calibration = calibrationFactor(options, llm, gpu, tp);
  const memory = memoryFit(llm, gpu, tp, stats.largestRequestTokens);
  const maxBatchByMemory = memory.fits ? Math.floor(memory.kvCapacityTokens / stats.slotFinalTokens) : 0;
  const base = {
    llm: llm.id,
    gpu: gpu.id,
    tp,
    source: timings.source,
    measuredIn: profile ? [profile.file] : [],
    calibration,
    weightsGibPerGpu: memory.weightsGibPerGpu,
    maxBatchByMemory,
  };
  const notServed = (fits: boolean, reason: string, at?: Load, prefill?: { ms: number; squared: number }): ReplicaPerformance => ({
    ...base,
    fits,
    meetsSlo: false,
    reason,
    batch: 0,
    ttftMs: at?.ttftMs ?? null,
    tpotMs: at?.tpotMs ?? null,
    prefillMs: prefill?.ms ?? null,
    prefillSquaredMs2: prefill?.squared ?? null,
    decodeStepMs: at?.stepMs ?? null,
    maxRequestsPerSec: 0,
    tokensPerSec: 0,
    extrapolated: timings.extrapolated,
  });

  if (stats.largestRequestTokens > llm.maxContextTokens) {
    return notServed(
      false,
      `the mix's largest requests (${Math.round(stats.largestRequestTokens)} tokens) exceed the llm's ${llm.maxContextTokens}-token context`,
    );
  }
  if (!memory.fits) return notServed(false, memory.reason ?? 'does not fit');

  const { meanPrefillMs, meanPrefillSquared, loadAt } = loadModel(timings, stats);
  const meets = (load: Load) => load.tpotMs <= slo.tpotMs && load.ttftMs <= slo.ttftMs;

  const batchCap = Math.min(maxBatchByMemory, MAX_BATCH, timings.maxBatch, options.maxBatch ?? Infinity);
  let best: Load | undefined;
  let next: Load | undefined;
  for (let batch = 1; batch <= batchCap; batch++) {
    const load = loadAt(batch);
    if (!meets(load)) {
      if (best && !next) next = load;
      continue;
    }
    if (!best || load.ratePerSec >= best.ratePerSec) {
      best = load;
      next = undefined;
    }
  }
  if (!best) {
    const one = loadAt(1);
    const missed = [
      one.ttftMs > slo.ttftMs ? `TTFT ${fmtMs(one.ttftMs)} ms > ${slo.ttftMs} ms` : '',
      one.tpotMs > slo.tpotMs ? `TPOT ${fmtMs(one.tpotMs)} ms > ${slo.tpotMs} ms` : '',
    ].filter(Boolean);
    return notServed(true, `cannot meet the SLO even at batch 1: ${missed.join(', ')}`, one, {
      ms: meanPrefillMs,
      squared: meanPrefillSquared,
    });
  }
  const limitedBy: BatchLimit | undefined = next
    ? next.tpotMs > slo.tpotMs
      ? 'tpot'
      : 'ttft'
    : best.batch === batchCap
      ? batchCap === timings.maxBatch
        ? 'measured-range'
        : batchCap === maxBatchByMemory
          ? 'memory'
          : 'max-batch'
      : undefined;
  const rate = best.ratePerSec * calibration;
  return {
    ...base,
    fits: true,
    meetsSlo: true,
    batch: best.batch,
    ttftMs: best.ttftMs,
    tpotMs: best.tpotMs,
    prefillMs: meanPrefillMs,
    prefillSquaredMs2: meanPrefillSquared,
    decodeStepMs: best.stepMs,
    maxRequestsPerSec: rate,
    tokensPerSec: rate * stats.meanOutputTokens,
    extrapolated: timings.extrapolated,
    ...(limitedBy ? { limitedBy } : {}),
  };
}

/**
 * The steady-state load of one replica at each batch (see replicaPerformance): per request the mean prefill
 * and its square, and at batch B the rate, TPOT and TTFT (queueing allowance included).
 */
function loadModel(
  timings: Timings,
  stats: MixStats,
): { meanPrefillMs: number; meanPrefillSquared: number; loadAt: (batch: number) => Load } {
  let meanPrefillMs = 0;
  let meanPrefillSquared = 0;
  for (const bucket of stats.buckets) {
    const t = timings.prefillMs(bucket.inputTokens);
    meanPrefillMs += bucket.share * t;
    meanPrefillSquared += bucket.share * t * t;
  }
  const steps = stats.meanDecodeSteps;
  const loadAt = (batch: number): Load => {
    const stepMs = timings.decodeStepMs(batch, stats);
    const slotMsPerRequest = batch * meanPrefillMs + steps * stepMs;
    const ratePerMs = batch / slotMsPerRequest;
    const rho = ratePerMs * meanPrefillMs;
    const waitMs = rho < 1 ? (ratePerMs * meanPrefillSquared) / (2 * (1 - rho)) : Infinity;
    return {
      batch,
      stepMs,
      ratePerSec: ratePerMs * 1000,
      tpotMs: stepMs + (steps > 0 ? ((batch - 1) * meanPrefillMs) / steps : 0),
      ttftMs: meanPrefillMs + stepMs + waitMs,
    };
  };
  return { meanPrefillMs, meanPrefillSquared, loadAt };
}

/** One point of a replica's load curve: at this many running requests, the rate and the mean latencies. */
export interface LoadPoint {
  batch: number;
  requestsPerSec: number;
  ttftMs: number;
  tpotMs: number;
}

/**
 * The model's load curve of one replica for a mix, uncalibrated: rate, TTFT and TPOT at every batch from 1
 * to the memory, MAX_BATCH and measured-range limit, whatever the SLO (all three grow with the batch).
 * Empty when the config does not fit. What `planner calibrate` reads observed latencies against.
 */
export function replicaLoadCurve(llm: Llm, gpu: Gpu, tp: number, mix: RequestMix, options: ReplicaOptions = {}): LoadPoint[] {
  const stats = mixStats(mix);
  const profile = options.estimateOnly ? undefined : options.profiles?.get(configKey(llm.id, gpu.id, tp));
  const timings = profile ? measuredTimings(profile) : estimatedTimings(llm, gpu, tp, options.estimator);
  const memory = memoryFit(llm, gpu, tp, stats.largestRequestTokens);
  if (stats.largestRequestTokens > llm.maxContextTokens || !memory.fits) return [];
  const maxBatchByMemory = Math.floor(memory.kvCapacityTokens / stats.slotFinalTokens);
  const { loadAt } = loadModel(timings, stats);
  const points: LoadPoint[] = [];
  for (let batch = 1; batch <= Math.min(maxBatchByMemory, MAX_BATCH, timings.maxBatch); batch++) {
    const load = loadAt(batch);
    points.push({ batch, requestsPerSec: load.ratePerSec, ttftMs: load.ttftMs, tpotMs: load.tpotMs });
  }
  return points;
}

/** A `replicaRate` callback (as src/scenario/resolve.ts takes) over the given profiles and calibration. */
export function createReplicaRate(options: ReplicaOptions = {}): ReplicaRate {
  return (llm, gpu, tp, slo, mix) => replicaPerformance(llm, gpu, tp, slo, mix, options).maxRequestsPerSec;
}

function fmtMs(ms: number): string {
  return Number.isFinite(ms) ? (ms >= 100 ? ms.toFixed(0) : ms.toFixed(1)) : 'unbounded';
}
