import type { Gpu, Llm } from '../catalog/types.js';
import { formatNumber, maxRateUnderSlo, type RateCurve } from './rate-curves.js';
import type { StatedRate } from './rate-table.js';
import { replicaPerformance, type ReplicaOptions, type Slo } from './replica.js';

/**
 * Predicted vs measured max request rate for measured rates (rate curves and rate tables): what the perf
 * model, without these measurements, gives one replica at the measured request size and limits, against
 * what was measured. Pure.
 */
export interface RateComparison {
  llm: string;
  gpu: string;
  tp: number;
  inputTokens: number;
  outputTokens: number;
  slo: Slo;
  /** Measured max req/s under the SLO (undefined when the curve cannot say, with `note`). */
  measuredRps: number | undefined;
  /** The model's max req/s at that size and SLO (0 when it says the config cannot serve it). */
  predictedRps: number;
  /** predicted / measured, when both are positive. */
  ratio: number | undefined;
  /** What the measured figure is: interpolated, a lower bound, a stated rate, or why there is none. */
  note: string;
  /** file:line of the measurement. */
  at: string;
}

interface Lookups {
  llms: ReadonlyMap<string, Llm>;
  gpus: ReadonlyMap<string, Gpu>;
}

/**
 * One row per rate curve (read at `slo`, on the mean statistics) and per stated rate (at its own limits).
 * `model` chooses what "predicted" means: the estimate alone by default, or e.g. the built-in timing tables.
 */
export function compareRates(
  lookups: Lookups,
  curves: readonly RateCurve[],
  stated: readonly StatedRate[],
  slo: Slo,
  model: ReplicaOptions = { estimateOnly: true },
): RateComparison[] {
  const predicted = (llm: string, gpu: string, tp: number, at: Slo, inputTokens: number, outputTokens: number) => {
    const l = lookups.llms.get(llm);
    const g = lookups.gpus.get(gpu);
    if (!l || !g) return 0;
    return replicaPerformance(
      l,
      g,
      tp,
      at,
      { meanInputTokens: inputTokens, meanOutputTokens: outputTokens },
      { ...model, rates: undefined },
    ).maxRequestsPerSec;
  };
  const row = (base: Omit<RateComparison, 'ratio'>): RateComparison => ({
    ...base,
    ratio:
      base.measuredRps !== undefined && base.measuredRps > 0 && base.predictedRps > 0 ? base.predictedRps / base.measuredRps : undefined,
  });
  const rows: RateComparison[] = [];
  for (const curve of curves) {
    const answer = maxRateUnderSlo(curve, slo, 'mean');
    rows.push(
      row({
        llm: curve.llm,
        gpu: curve.gpu,
        tp: curve.tp,
        inputTokens: curve.inputTokens,
        outputTokens: curve.outputTokens,
        slo,
        measuredRps: answer.rps,
        predictedRps: predicted(curve.llm, curve.gpu, curve.tp, slo, curve.inputTokens, curve.outputTokens),
        note:
          answer.kind === 'interpolated'
            ? `interpolated (${answer.limitedBy})`
            : answer.kind === 'lower-bound'
              ? 'at least (every run meets the SLO)'
              : answer.reason,
        at: `${curve.file}${curve.line ? `:${curve.line}` : ''}`,
      }),
    );
  }
  for (const rate of stated) {
    const at = { ttftMs: rate.ttftMs, tpotMs: rate.tpotMs };
    rows.push(
      row({
        llm: rate.llm,
        gpu: rate.gpu,
        tp: rate.tp,
        inputTokens: rate.inputTokens,
        outputTokens: rate.outputTokens,
        slo: at,
        measuredRps: rate.maxRps,
        predictedRps: predicted(rate.llm, rate.gpu, rate.tp, at, rate.inputTokens, rate.outputTokens),
        note: `stated under TTFT ${formatNumber(rate.ttftMs)} ms, TPOT ${formatNumber(rate.tpotMs)} ms`,
        at: `${rate.file}${rate.line ? `:${rate.line}` : ''}`,
      }),
    );
  }
  return rows;
}

/** Median and worst |ln(predicted / measured)| over the rows that have a ratio. */
export function ratioSummary(
  ratios: readonly (number | undefined)[],
): { compared: number; medianAbsLn: number; worstAbsLn: number } | undefined {
  const logs = ratios.filter((r): r is number => r !== undefined).map((r) => Math.abs(Math.log(r)));
  if (logs.length === 0) return undefined;
  logs.sort((a, b) => a - b);
  const mid = logs.length >> 1;
  const median = logs.length % 2 ? logs[mid]! : (logs[mid - 1]! + logs[mid]!) / 2;
  return { compared: logs.length, medianAbsLn: median, worstAbsLn: logs.at(-1)! };
}
