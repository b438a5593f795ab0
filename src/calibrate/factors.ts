import type { LoadPoint } from '../perf/replica.js';
import { compareStrings } from '../order.js';
import type { ObservedRow } from './observed.js';
import { maxOf, minOf } from '../extremes.js';

/**
 * From observed rows to per-config calibration factors (observed sustainable rate / predicted rate), pure:
 * the model (predicted SLO rate and load curve per row) is passed in.
 *
 * Form a, served at a busy share u: one replica sustains served_rps / (replicas x u), so
 *   factor = served_rps / (replicas x u x predicted rate).
 * Rows below MIN_UTILISATION say too little about the limit (idle overheads dominate a low busy share).
 *
 * Form b, mean latencies at a rate: the model's load curve gives the rate lambda_m(L) at which one replica
 * reaches latency L (interpolated between batches); a replica that serves lambda_o = served_rps / replicas
 * at an observed L sustains lambda_o / lambda_m(L) of what the model says at every latency (the assumption:
 * the error is a rate factor), so factor = lambda_o / lambda_m(L). With both TTFT and TPOT the lower factor
 * counts. Rows whose latency is below the model's at batch 1 (lightly loaded: nothing to compare) or above
 * its largest batch (outside the curve) are skipped.
 *
 * Per config: the weighted median of its rows' factors (weight: the busy replicas, replicas x u, with u the
 * inferred busy share in form b, capped at 1), reported with the weighted quartiles as its spread. A config
 * with fewer than `minObservations` usable rows keeps the model's rate (listed as insufficient evidence).
 */
export const MIN_UTILISATION = 0.3;
export const DEFAULT_MIN_OBSERVATIONS = 3;

export type ObservationForm = 'utilisation' | 'latency';

export interface ObservationModel {
  /** Predicted max requests/s of one replica under the row's SLO (uncalibrated); 0 when it cannot serve. */
  rate(row: ObservedRow): number;
  /** The model's load curve of one replica for the row's request mix (batch ascending). */
  curve(row: ObservedRow): readonly LoadPoint[];
}

export interface RowFactor {
  line: number;
  form: ObservationForm;
  factor: number;
  weight: number;
}

/** Interpolated rate at which the curve reaches `value` of `metric`; undefined outside the curve. */
export function rateAtLatency(curve: readonly LoadPoint[], metric: 'ttftMs' | 'tpotMs', value: number): number | undefined {
  const first = curve[0];
  if (!first || value < first[metric]) return undefined;
  for (let i = 0; i + 1 < curve.length; i++) {
    const a = curve[i]!;
    const b = curve[i + 1]!;
    if (value >= a[metric] && value <= b[metric]) {
      const span = b[metric] - a[metric];
      return span > 0 ? a.requestsPerSec + ((value - a[metric]) / span) * (b.requestsPerSec - a.requestsPerSec) : a.requestsPerSec;
    }
  }
  return value === curve.at(-1)![metric] ? curve.at(-1)!.requestsPerSec : undefined;
}

/** One row's factor, or why it says nothing. */
export function rowFactor(row: ObservedRow, model: ObservationModel): RowFactor | { line: number; skipped: string } {
  const predicted = model.rate(row);
  if (!(predicted > 0))
    return { line: row.line, skipped: `the model says ${row.llm} on ${row.gpu} TP ${row.tp} cannot serve this workload within its SLO` };
  if (!(row.servedRps > 0)) return { line: row.line, skipped: 'served nothing' };
  if (row.utilisation !== undefined) {
    if (row.utilisation < MIN_UTILISATION)
      return {
        line: row.line,
        skipped: `busy share ${row.utilisation} below ${MIN_UTILISATION}: too lightly loaded to say what the replicas sustain`,
      };
    return {
      line: row.line,
      form: 'utilisation',
      factor: row.servedRps / (row.replicas * row.utilisation * predicted),
      weight: row.replicas * row.utilisation,
    };
  }
  const curve = model.curve(row);
  const perReplica = row.servedRps / row.replicas;
  const factors: number[] = [];
  const reasons: string[] = [];
  for (const [metric, value, name] of [
    ['ttftMs', row.ttftMeanMs, 'TTFT'],
    ['tpotMs', row.tpotMeanMs, 'TPOT'],
  ] as const) {
    if (value === undefined) continue;
    const rate = rateAtLatency(curve, metric, value);
    if (rate === undefined) {
      const first = curve[0]?.[metric];
      reasons.push(
        first !== undefined && value < first
          ? `mean ${name} ${value} ms is below the model's ${first.toFixed(1)} ms at batch 1: too lightly loaded to compare`
          : `mean ${name} ${value} ms is beyond the model's largest batch`,
      );
      continue;
    }
    factors.push(perReplica / rate);
  }
  if (factors.length === 0) return { line: row.line, skipped: reasons.join('; ') };
  const factor = minOf(factors);
  return { line: row.line, form: 'latency', factor, weight: row.replicas * Math.min(1, perReplica / (factor * predicted)) };
}

/** Weighted quantile (the smallest value whose cumulative weight reaches q of the total). */
export function weightedQuantile(values: readonly { value: number; weight: number }[], q: number): number {
  const sorted = [...values].sort((a, b) => a.value - b.value);
  const total = sorted.reduce((sum, v) => sum + v.weight, 0);
  let cumulative = 0;
  for (const v of sorted) {
    cumulative += v.weight;
    if (cumulative >= q * total - 1e-12) return v.value;
  }
  return sorted.at(-1)!.value;
}

export interface CalibrationFactor {
  llm: string;
  gpu: string;
  tp: number;
  factor: number;
  /** Usable rows (windows) behind it. */
  observations: number;
  byForm: Record<ObservationForm, number>;
  /** Weighted quartiles of the rows' factors: the spread the median stands for. */
  lowerQuartile: number;
  upperQuartile: number;
  /** The observed file and its lines. */
  file: string;
  firstLine: number;
  lastLine: number;
}

export interface CalibrationResult {
  factors: CalibrationFactor[];
  /** Configs with some usable rows, fewer than the minimum: their rate stays the model's. */
  insufficient: { llm: string; gpu: string; tp: number; observations: number }[];
  /** Rows that say nothing, with the reason (line order). */
  skipped: { line: number; reason: string }[];
  minObservations: number;
}

export function aggregateFactors(
  rows: readonly ObservedRow[],
  model: ObservationModel,
  options: { minObservations?: number } = {},
): CalibrationResult {
  const minObservations = options.minObservations ?? DEFAULT_MIN_OBSERVATIONS;
  const byConfig = new Map<string, { row: ObservedRow; factors: RowFactor[] }>();
  const skipped: CalibrationResult['skipped'] = [];
  for (const row of rows) {
    const result = rowFactor(row, model);
    if ('skipped' in result) {
      skipped.push({ line: result.line, reason: result.skipped });
      continue;
    }
    const key = `${row.llm}|${row.gpu}|${row.tp}`;
    const entry = byConfig.get(key) ?? { row, factors: [] };
    entry.factors.push(result);
    byConfig.set(key, entry);
  }
  const factors: CalibrationFactor[] = [];
  const insufficient: CalibrationResult['insufficient'] = [];
  for (const { row, factors: list } of byConfig.values()) {
    if (list.length < minObservations) {
      insufficient.push({ llm: row.llm, gpu: row.gpu, tp: row.tp, observations: list.length });
      continue;
    }
    const values = list.map((f) => ({ value: f.factor, weight: f.weight }));
    factors.push({
      llm: row.llm,
      gpu: row.gpu,
      tp: row.tp,
      factor: weightedQuantile(values, 0.5),
      observations: list.length,
      byForm: {
        utilisation: list.filter((f) => f.form === 'utilisation').length,
        latency: list.filter((f) => f.form === 'latency').length,
      },
      lowerQuartile: weightedQuantile(values, 0.25),
      upperQuartile: weightedQuantile(values, 0.75),
      file: row.file,
      firstLine: minOf(list.map((f) => f.line)),
      lastLine: maxOf(list.map((f) => f.line)),
    });
  }
  const order = (a: { llm: string; gpu: string; tp: number }, b: { llm: string; gpu: string; tp: number }) =>
    compareStrings(a.llm, b.llm) || compareStrings(a.gpu, b.gpu) || a.tp - b.tp;
  skipped.sort((a, b) => a.line - b.line);
  return { factors: factors.sort(order), insufficient: insufficient.sort(order), skipped, minObservations };
}
