import type { Gpu, Llm } from '../catalog/types.js';
import { InputError } from '../errors.js';
import { estimateDecodeStepMs, estimatePrefillMs, type EstimatorConstants } from './estimate.js';
import { configKey, type MeasuredProfile } from './profiles.js';
import { replicaPerformance, type Slo } from './replica.js';
import { maxOf } from '../extremes.js';

/**
 * The analytical estimator against measured timing profiles. Pure: profiles and catalog rows in, a report out.
 *
 * Per config (llm, gpu, tp) and probe (an SLO and one request size), the max requests/s under the SLO two
 * ways: from the estimate alone (`estimateOnly`) and from the measured table, both through the same replica
 * model (src/perf/replica.ts) and both limited to the table's largest measured batch, so the two answer the
 * same question at the same loads. Per measured point, the estimated / measured prefill (at batch 1, the
 * only prefill the rate uses) and decode step. Ratios are predicted / measured; |ln ratio| is the error
 * (symmetric: 2x too high and 2x too low are the same error).
 *
 * A probe where neither side meets the SLO has no ratio (counted as `bothZero`); where exactly one does, the
 * ratio is 0 or infinite and so is its |ln ratio|: the estimator got the feasibility wrong.
 *
 * A probe whose measured rate a timing error of CLIFF_TIMING_SHARE would move by more than CLIFF_RATE_RATIO is
 * flagged (`cliff`, with the reason): there the table does not pin the rate down (typically a TPOT limit a
 * few percent above the batch-1 decode step, where one batch more or less is the whole rate). Flagged
 * probes stay in the report and in the `rate` figures; `identifiable` leaves them out.
 */
/** Timing error the measurements themselves carry (run-to-run spread of the tables' medians is 1-3%). */
export const CLIFF_TIMING_SHARE = 0.03;
/** A rate that such an error moves by more than this factor is not identifiable (the worst-case target). */
export const CLIFF_RATE_RATIO = 1.3;
export interface ComparisonProbe {
  slo: Slo;
  inputTokens: number;
  outputTokens: number;
}

/**
 * Default probes: request sizes inside every shipped table's measured prompt range (which the measured
 * runs' 128 generated tokens also match), at the default scenario's two SLOs and the batch scenario's.
 */
export const DEFAULT_COMPARISON_PROBES: readonly ComparisonProbe[] = [
  { ttftMs: 1000, tpotMs: 50 },
  { ttftMs: 2000, tpotMs: 100 },
  { ttftMs: 10_000, tpotMs: 200 },
].flatMap((slo) => [256, 1024, 2048].map((inputTokens) => ({ slo, inputTokens, outputTokens: 128 })));

/** Tokens the measured runs generated: a decode step at a point has a mean context of prompt + half this. */
const DEFAULT_GENERATED_TOKENS = 128;

export interface CompareOptions {
  probes?: readonly ComparisonProbe[];
  /** Overrides of the estimator's constants (fitting). */
  estimator?: Partial<EstimatorConstants>;
  /** Output tokens of the measured runs (the decode step's context is prompt + half of them); default 128. */
  generatedTokens?: number;
}

export interface RateComparison {
  llm: string;
  gpu: string;
  tp: number;
  file: string;
  slo: Slo;
  inputTokens: number;
  outputTokens: number;
  predictedPerSec: number;
  measuredPerSec: number;
  /** predicted / measured; null when neither meets the SLO. */
  ratio: number | null;
  lnRatio: number | null;
  /** Why the measured rate is not identifiable at this probe (see the file comment); absent when it is. */
  cliff?: string;
}

export interface PointComparison {
  llm: string;
  gpu: string;
  tp: number;
  file: string;
  promptTokens: number;
  batchSize: number;
  /** Estimated / measured prefill of one prompt; null at batch > 1 (the rate uses batch-1 prefill only). */
  prefillRatio: number | null;
  decodeStepRatio: number;
}

/** Summary of |ln ratio| over a set of comparisons. */
export interface ErrorStats {
  /** Comparisons with a ratio. */
  count: number;
  medianAbsLn: number;
  worstAbsLn: number;
  /** Geometric mean of the ratios (exp of the mean ln): > 1 means the estimate is high on average. */
  geoMeanRatio: number;
}

/** The error figures of a set of probes: one config's, or all of them. */
export interface ComparisonErrors {
  rate: ErrorStats;
  /** `rate` without the probes flagged `cliff`. */
  identifiable: ErrorStats;
  /** Probes flagged `cliff`. */
  cliffs: number;
  /** Probes where neither side meets the SLO. */
  bothZero: number;
  prefill: ErrorStats;
  decodeStep: ErrorStats;
}

export interface ConfigComparison extends ComparisonErrors {
  llm: string;
  gpu: string;
  tp: number;
  file: string;
}

export interface ComparisonReport {
  probes: readonly ComparisonProbe[];
  rates: RateComparison[];
  points: PointComparison[];
  configs: ConfigComparison[];
  summary: ComparisonErrors;
}

export interface CatalogLookups {
  llms: ReadonlyMap<string, Llm>;
  gpus: ReadonlyMap<string, Gpu>;
}

export function compareProfiles(
  catalog: CatalogLookups,
  profiles: readonly MeasuredProfile[],
  options: CompareOptions = {},
): ComparisonReport {
  const probes = options.probes ?? DEFAULT_COMPARISON_PROBES;
  const generated = options.generatedTokens ?? DEFAULT_GENERATED_TOKENS;
  const rates: RateComparison[] = [];
  const points: PointComparison[] = [];
  const configs: ConfigComparison[] = [];
  for (const profile of profiles) {
    const llm = catalog.llms.get(profile.llm);
    const gpu = catalog.gpus.get(profile.gpu);
    if (!llm || !gpu)
      throw new InputError({
        file: profile.file,
        message: `${!llm ? `llm '${profile.llm}'` : `gpu '${profile.gpu}'`} of a measured profile is not in the catalog`,
        fix: 'compare profiles of catalog llms and gpus only',
      });
    const id = { llm: profile.llm, gpu: profile.gpu, tp: profile.tp, file: profile.file };
    const measuredProfiles = new Map([[configKey(profile.llm, profile.gpu, profile.tp), profile]]);
    const maxBatch = maxOf(profile.points.map((p) => p.batchSize));
    const configRates: RateComparison[] = [];
    for (const probe of probes) {
      const mix = { meanInputTokens: probe.inputTokens, meanOutputTokens: probe.outputTokens };
      const predicted = replicaPerformance(llm, gpu, profile.tp, probe.slo, mix, {
        estimateOnly: true,
        estimator: options.estimator,
        maxBatch,
      }).maxRequestsPerSec;
      const measuredAt = (scale: number) =>
        replicaPerformance(llm, gpu, profile.tp, { ttftMs: probe.slo.ttftMs * scale, tpotMs: probe.slo.tpotMs * scale }, mix, {
          profiles: measuredProfiles,
        }).maxRequestsPerSec;
      const measured = measuredAt(1);
      const ratio = predicted === 0 && measured === 0 ? null : measured === 0 ? Infinity : predicted / measured;
      const cliff = cliffReason(measuredAt(1 + CLIFF_TIMING_SHARE), measuredAt(1 - CLIFF_TIMING_SHARE));
      configRates.push({
        ...id,
        slo: probe.slo,
        inputTokens: probe.inputTokens,
        outputTokens: probe.outputTokens,
        predictedPerSec: predicted,
        measuredPerSec: measured,
        ratio,
        lnRatio: ratio === null ? null : Math.log(ratio),
        ...(cliff ? { cliff } : {}),
      });
    }
    const configPoints = profile.points.map(
      (p): PointComparison => ({
        ...id,
        promptTokens: p.promptTokens,
        batchSize: p.batchSize,
        prefillRatio:
          p.batchSize === 1 ? estimatePrefillMs(llm, gpu, profile.tp, p.promptTokens, 1, options.estimator) / p.prefillMs : null,
        decodeStepRatio:
          estimateDecodeStepMs(llm, gpu, profile.tp, p.batchSize, p.promptTokens + generated / 2, options.estimator) / p.decodeStepMs,
      }),
    );
    rates.push(...configRates);
    points.push(...configPoints);
    configs.push({
      ...id,
      rate: errorStats(configRates.map((r) => r.ratio)),
      identifiable: errorStats(configRates.map((r) => (r.cliff ? null : r.ratio))),
      cliffs: configRates.filter((r) => r.cliff).length,
      bothZero: configRates.filter((r) => r.ratio === null).length,
      prefill: errorStats(configPoints.map((p) => p.prefillRatio)),
      decodeStep: errorStats(configPoints.map((p) => p.decodeStepRatio)),
    });
  }
  return {
    probes,
    rates,
    points,
    configs,
    summary: {
      rate: errorStats(rates.map((r) => r.ratio)),
      identifiable: errorStats(rates.map((r) => (r.cliff ? null : r.ratio))),
      cliffs: rates.filter((r) => r.cliff).length,
      bothZero: rates.filter((r) => r.ratio === null).length,
      prefill: errorStats(points.map((p) => p.prefillRatio)),
      decodeStep: errorStats(points.map((p) => p.decodeStepRatio)),
    },
  };
}

/**
 * Why a probe's measured rate is not identifiable: the table's rate with every limit CLIFF_TIMING_SHARE
 * looser (`looser`) and tighter (`tighter`) differ by more than CLIFF_RATE_RATIO. Scaling the limits is
 * the same as scaling every measured time the other way, i.e. a timing error of that share.
 */
function cliffReason(looser: number, tighter: number): string | undefined {
  if (looser === 0 || (tighter > 0 && looser / tighter <= CLIFF_RATE_RATIO)) return undefined;
  const pct = Math.round(CLIFF_TIMING_SHARE * 100);
  const moved = tighter === 0 ? 'to 0' : `x${(looser / tighter).toFixed(2)}`;
  return `rate not identifiable: limits ${pct}% looser or tighter (a ${pct}% timing error) move the measured rate ${moved}`;
}

/** |ln ratio| statistics of the non-null ratios (NaN when there are none). */
export function errorStats(ratios: readonly (number | null)[]): ErrorStats {
  const lns = ratios.filter((r): r is number => r !== null).map((r) => Math.log(r));
  if (lns.length === 0) return { count: 0, medianAbsLn: Number.NaN, worstAbsLn: Number.NaN, geoMeanRatio: Number.NaN };
  const abs = lns.map(Math.abs);
  return {
    count: lns.length,
    medianAbsLn: median(abs),
    worstAbsLn: maxOf(abs),
    geoMeanRatio: Math.exp(lns.reduce((a, b) => a + b, 0) / lns.length),
  };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
