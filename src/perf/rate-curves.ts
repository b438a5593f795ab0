import { stringify } from 'csv-stringify/sync';
import { z } from 'zod';
import { InputError, type InputIssue } from '../errors.js';
import { configKey } from './profiles.js';
import type { Slo } from './replica.js';
import { readCsvRecords, validRows, numberCell, optionalNumberCell, headerIssues } from '../csv-records.js';

/**
 * Rate curves: the second measured form (the first is the prefill/decode timing tables of profiles.ts). Per
 * config (llm, gpu, tp) and request size (mean input and output tokens), the runs of a serving benchmark at
 * increasing offered load: what each run offered, what the replica served and the TTFT and TPOT it gave.
 * Pure: text in, tables out (and tables in, text out). docs/profiles-import.md describes how vLLM and
 * GuideLLM results become rate curves.
 *
 * CSV form: one row per benchmark run, units in the column names, the columns in this order:
 *   llm,gpu,tp,input_tokens,output_tokens,offered_rps,concurrency,served_rps,
 *   ttft_mean_ms,ttft_p50_ms,ttft_p90_ms,ttft_p99_ms,tpot_mean_ms,tpot_p50_ms,tpot_p90_ms,tpot_p99_ms,
 *   completed,failed,source
 * - input_tokens, output_tokens: the curve's request size, mean tokens per completed request (every row of
 *   a curve carries the same values; they are part of the curve's key).
 * - offered_rps: the request rate the benchmark offered; empty for no rate limit (vLLM `--request-rate inf`,
 *   GuideLLM `throughput`, `synchronous` and `concurrent`). concurrency: the cap on requests in flight;
 *   empty for none. A run has either, both (a rate with a concurrency cap) or neither (everything at once).
 * - served_rps: completed requests per second over the run, the rate the replica actually sustained.
 * - ttft_*_ms: time to first token; tpot_*_ms: time per output token after the first (excludes TTFT), per
 *   request, over completed requests: mean, median (p50), p90 and p99. Empty where the benchmark did not
 *   report the statistic; ttft_mean_ms and tpot_mean_ms are required.
 * - completed: requests that completed; failed: requests that errored (empty when not reported).
 * - source: where the run came from (file and, for reports with several runs, the run's index); free text.
 * Rows are sorted by config, request size, then served_rps; a curve may not hold two runs at the same
 * offered load (offered_rps and concurrency).
 */
export const RATE_CURVE_COLUMNS = {
  llm: 'the llm id in models/llms.csv',
  gpu: 'the gpu id in models/gpus.csv',
  tp: 'tensor-parallel degree, a positive integer',
  input_tokens: 'mean input (prompt) tokens per completed request, > 0',
  output_tokens: 'mean output tokens per completed request, > 0',
  offered_rps: 'offered request rate in requests/s, > 0, or empty for no rate limit',
  concurrency: 'the cap on concurrent requests, a positive integer, or empty for none',
  served_rps: 'completed requests per second over the run, > 0',
  ttft_mean_ms: 'mean time to first token over completed requests in ms, > 0',
  ttft_p50_ms: 'median time to first token in ms, > 0, or empty',
  ttft_p90_ms: '90th percentile time to first token in ms, > 0, or empty',
  ttft_p99_ms: '99th percentile time to first token in ms, > 0, or empty',
  tpot_mean_ms: 'mean time per output token after the first in ms, > 0',
  tpot_p50_ms: 'median time per output token in ms, > 0, or empty',
  tpot_p90_ms: '90th percentile time per output token in ms, > 0, or empty',
  tpot_p99_ms: '99th percentile time per output token in ms, > 0, or empty',
  completed: 'requests completed in the run, a positive integer',
  failed: 'requests that failed in the run, an integer >= 0, or empty when not reported',
  source: 'where the run came from (file, run index), free text',
} as const;
export type RateCurveColumn = keyof typeof RATE_CURVE_COLUMNS;
const COLUMNS = Object.keys(RATE_CURVE_COLUMNS) as RateCurveColumn[];

/** Latency statistics of one run, ms; a statistic the benchmark did not report is absent. */
export interface LatencyStats {
  meanMs: number;
  p50Ms?: number;
  p90Ms?: number;
  p99Ms?: number;
}

/** One benchmark run: the load it offered and what it measured. */
export interface RateCurvePoint {
  /** Offered requests/s; undefined when the run had no rate limit. */
  offeredRps?: number;
  /** Cap on requests in flight; undefined when there was none. */
  concurrency?: number;
  /** Completed requests per second over the run. */
  servedRps: number;
  ttft: LatencyStats;
  /** Time per output token after the first (excludes TTFT). */
  tpot: LatencyStats;
  completed: number;
  /** Undefined when the benchmark did not report failures. */
  failed?: number;
  /** File (and run) the point came from. */
  source: string;
}

export interface RateCurve {
  llm: string;
  gpu: string;
  tp: number;
  /** Mean input and output tokens per request: the request size the curve was measured at. */
  inputTokens: number;
  outputTokens: number;
  /** Sorted by served rps (then offered rps, then concurrency; unlimited last). */
  points: readonly RateCurvePoint[];
  /** File the curve was read from (for reports). */
  file: string;
  /** Line of the curve's first row in that file, when read from CSV (for errors). */
  line?: number;
}

/** The key of a curve: its config and request size. */
export function rateCurveKey(curve: Pick<RateCurve, 'llm' | 'gpu' | 'tp' | 'inputTokens' | 'outputTokens'>): string {
  return `${configKey(curve.llm, curve.gpu, curve.tp)}|${curve.inputTokens}|${curve.outputTokens}`;
}

/** Points in curve order: served rps, then offered rps and concurrency (unlimited last). */
export function comparePoints(a: RateCurvePoint, b: RateCurvePoint): number {
  const unlimited = (v: number | undefined) => v ?? Number.POSITIVE_INFINITY;
  return (
    a.servedRps - b.servedRps ||
    unlimited(a.offeredRps) - unlimited(b.offeredRps) ||
    unlimited(a.concurrency) - unlimited(b.concurrency) ||
    (a.source < b.source ? -1 : a.source > b.source ? 1 : 0)
  );
}

const count = numberCell(z.number().int('must be a whole number').positive('must be > 0'));
const positive = numberCell(z.number().positive('must be > 0'));
const optionalPositive = optionalNumberCell(z.number().positive('must be > 0'));
const RateCurveRowSchema = z.strictObject({
  llm: z.string().trim().min(1, 'missing value'),
  gpu: z.string().trim().min(1, 'missing value'),
  tp: count,
  input_tokens: positive,
  output_tokens: positive,
  offered_rps: optionalPositive,
  concurrency: optionalNumberCell(z.number().int('must be a whole number').positive('must be > 0')),
  served_rps: positive,
  ttft_mean_ms: positive,
  ttft_p50_ms: optionalPositive,
  ttft_p90_ms: optionalPositive,
  ttft_p99_ms: optionalPositive,
  tpot_mean_ms: positive,
  tpot_p50_ms: optionalPositive,
  tpot_p90_ms: optionalPositive,
  tpot_p99_ms: optionalPositive,
  completed: count,
  failed: optionalNumberCell(z.number().int('must be a whole number').nonnegative('must be >= 0')),
  source: z.string(),
});

function stats(mean: number, p50?: number, p90?: number, p99?: number): LatencyStats {
  return {
    meanMs: mean,
    ...(p50 !== undefined ? { p50Ms: p50 } : {}),
    ...(p90 !== undefined ? { p90Ms: p90 } : {}),
    ...(p99 !== undefined ? { p99Ms: p99 } : {}),
  };
}

/** Percentiles that decrease (p50 > p90 or p90 > p99): names the first offending pair. */
export function percentileOrderProblem(s: LatencyStats): string | undefined {
  const known = (
    [
      ['p50', s.p50Ms],
      ['p90', s.p90Ms],
      ['p99', s.p99Ms],
    ] as const
  ).filter((entry): entry is readonly ['p50' | 'p90' | 'p99', number] => entry[1] !== undefined);
  for (let i = 1; i < known.length; i++) {
    const [lowName, low] = known[i - 1]!;
    const [highName, high] = known[i]!;
    if (high < low) return `${highName} ${high} ms is below ${lowName} ${low} ms`;
  }
  return undefined;
}

/** Reads one rate-curve CSV; every bad row is reported as file:line field. */
export function parseRateCurvesCsv(text: string, file = 'rate curves'): RateCurve[] {
  const issues: InputIssue[] = [];
  const read = readCsvRecords(text, file, { trim: true });
  if ('issue' in read) throw new InputError(read.issue);
  const { records } = read;
  const header = records[0]?.record ?? [];
  issues.push(...headerIssues(header, COLUMNS, file));
  if (issues.length) throw new InputError(issues, `${file}: invalid rate-curve header`);

  const byKey = new Map<string, { curve: Omit<RateCurve, 'points'>; points: Map<string, { line: number; point: RateCurvePoint }> }>();
  for (const { line, row } of validRows(
    records,
    RateCurveRowSchema,
    file,
    issues,
    (field) => RATE_CURVE_COLUMNS[field as RateCurveColumn] ?? 'see docs/profiles-import.md',
  )) {
    const point: RateCurvePoint = {
      ...(row.offered_rps !== undefined ? { offeredRps: row.offered_rps } : {}),
      ...(row.concurrency !== undefined ? { concurrency: row.concurrency } : {}),
      servedRps: row.served_rps,
      ttft: stats(row.ttft_mean_ms, row.ttft_p50_ms, row.ttft_p90_ms, row.ttft_p99_ms),
      tpot: stats(row.tpot_mean_ms, row.tpot_p50_ms, row.tpot_p90_ms, row.tpot_p99_ms),
      completed: row.completed,
      ...(row.failed !== undefined ? { failed: row.failed } : {}),
      source: row.source,
    };
    let bad = false;
    for (const metric of ['ttft', 'tpot'] as const) {
      const problem = percentileOrderProblem(point[metric]);
      if (problem) {
        bad = true;
        issues.push({
          file,
          line,
          field: metric,
          message: problem,
          fix: 'percentiles cannot decrease: check the columns were not swapped',
        });
      }
    }
    if (bad) continue;
    const curve = { llm: row.llm, gpu: row.gpu, tp: row.tp, inputTokens: row.input_tokens, outputTokens: row.output_tokens, file };
    const key = rateCurveKey(curve);
    const entry = byKey.get(key) ?? { curve: { ...curve, line }, points: new Map() };
    byKey.set(key, entry);
    const at = loadLabel(point);
    const earlier = entry.points.get(at);
    if (earlier) {
      issues.push({
        file,
        line,
        field: 'offered_rps',
        message: `second run of ${row.llm} on ${row.gpu} TP ${row.tp} at ${row.input_tokens}/${row.output_tokens} tokens with ${at} (first on line ${earlier.line})`,
        fix: 'keep one run (the median) per offered load',
      });
      continue;
    }
    entry.points.set(at, { line, point });
  }
  if (issues.length) throw new InputError(issues, `${file}: ${issues.length} bad rate-curve row${issues.length === 1 ? '' : 's'}`);
  return [...byKey.values()]
    .map(({ curve, points }) => ({ ...curve, points: [...points.values()].map((p) => p.point).sort(comparePoints) }))
    .sort(compareCurves);
}

/** "offered 2 req/s, concurrency 16" and the like, for messages. */
export function loadLabel(point: Pick<RateCurvePoint, 'offeredRps' | 'concurrency'>): string {
  const rate = point.offeredRps === undefined ? 'no rate limit' : `offered ${formatNumber(point.offeredRps)} req/s`;
  const cap = point.concurrency === undefined ? 'no concurrency cap' : `concurrency ${point.concurrency}`;
  return `${rate}, ${cap}`;
}

function compareCurves(a: RateCurve, b: RateCurve): number {
  const text = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
  return text(a.llm, b.llm) || text(a.gpu, b.gpu) || a.tp - b.tp || a.inputTokens - b.inputTokens || a.outputTokens - b.outputTokens;
}

/**
 * A number without float noise: at most 12 significant digits and never an exponent, so that
 * 0.1 + 0.2 prints 0.3 and writing what was read gives the same bytes.
 */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`cannot write ${value} to a rate curve`);
  const rounded = Number(value.toPrecision(12));
  if (rounded === 0) return '0';
  const text = String(rounded);
  if (!/e/i.test(text)) return text;
  // Outside 1e-7 .. 1e21 String() uses an exponent: spell the digits out instead (toFixed too uses an
  // exponent from 1e21, where every double is a whole number).
  if (Math.abs(rounded) >= 1e21) return BigInt(rounded).toString();
  const digits = Math.max(0, 11 - Math.floor(Math.log10(Math.abs(rounded))));
  return rounded
    .toFixed(Math.min(digits, 100))
    .replace(/(\.\d*?)0+$/, '$1')
    .replace(/\.$/, '');
}

const optional = (value: number | undefined) => (value === undefined ? '' : formatNumber(value));

/**
 * The CSV of some rate curves: the header, then one row per run, curves sorted by llm, gpu, tp and request
 * size and runs by served rps. Deterministic: the same curves give the same bytes (LF line ends, a final
 * newline), and parseRateCurvesCsv reads back what was written.
 */
export function writeRateCurvesCsv(curves: readonly RateCurve[]): string {
  const rows: string[][] = [COLUMNS];
  for (const curve of [...curves].sort(compareCurves)) {
    for (const p of [...curve.points].sort(comparePoints)) {
      rows.push([
        curve.llm,
        curve.gpu,
        String(curve.tp),
        formatNumber(curve.inputTokens),
        formatNumber(curve.outputTokens),
        optional(p.offeredRps),
        optional(p.concurrency),
        formatNumber(p.servedRps),
        formatNumber(p.ttft.meanMs),
        optional(p.ttft.p50Ms),
        optional(p.ttft.p90Ms),
        optional(p.ttft.p99Ms),
        formatNumber(p.tpot.meanMs),
        optional(p.tpot.p50Ms),
        optional(p.tpot.p90Ms),
        optional(p.tpot.p99Ms),
        String(p.completed),
        optional(p.failed),
        p.source,
      ]);
    }
  }
  return stringify(rows, { record_delimiter: '\n', quote: '"', escape: '"', delimiter: ',' });
}

/** Which statistic of TTFT and TPOT the SLO bounds. */
export type SloStatistic = 'mean' | 'p50' | 'p90' | 'p99';

const STAT_KEY = { mean: 'meanMs', p50: 'p50Ms', p90: 'p90Ms', p99: 'p99Ms' } as const satisfies Record<SloStatistic, keyof LatencyStats>;

export interface MaxRateOptions {
  /**
   * A run whose failed share (failed / (completed + failed)) is above this violates the SLO whatever its
   * latencies: latency statistics cover completed requests only, so an overloaded server that times requests
   * out can look fast. Default 0.01 (1%).
   */
  maxFailedShare?: number;
}

export type MaxRateLimit = 'ttft' | 'tpot' | 'failures';

/**
 * The answer of maxRateUnderSlo:
 * - `interpolated`: the SLO is crossed between two runs (`below` meets it, `above` does not); rps is where the
 *   first statistic to cross its limit reaches it, linear in served rps between the two runs (`below`'s rate
 *   when the limit is failures, which do not interpolate). rps equals `below.servedRps` when `below` is
 *   exactly at the limit.
 * - `lower-bound`: even the highest measured load meets the SLO; rps is the highest served rps measured and
 *   the true maximum is at least this (measure at a higher load to know more).
 * - `violated`: even the lowest measured load violates the SLO; rps is undefined.
 * - `unknown`: some run lacks the chosen statistic (vLLM reports p99 only unless asked for
 *   `--metric-percentiles 50,90,99`); rps is undefined.
 * `reason` says which in words, naming the runs and values.
 */
export type MaxRateUnderSlo =
  | { kind: 'interpolated'; rps: number; limitedBy: MaxRateLimit; below: RateCurvePoint; above: RateCurvePoint; reason: string }
  | { kind: 'lower-bound'; rps: number; reason: string }
  | { kind: 'violated'; rps: undefined; limitedBy: MaxRateLimit; reason: string }
  | { kind: 'unknown'; rps: undefined; reason: string };

/**
 * The largest served req/s at which the chosen statistic of TTFT and of TPOT are both within the SLO (<= the
 * limit). Runs are taken in curve order (by served rps); the first run that violates the SLO ends the search,
 * even if a later, higher-rate run happens to meet it again (noise near saturation is not capacity). Between
 * the last run that meets the SLO and that first violating run, each statistic is linear in served rps; the
 * answer is the lowest rate at which one of the violated limits is reached.
 */
export function maxRateUnderSlo(curve: RateCurve, slo: Slo, statistic: SloStatistic, options: MaxRateOptions = {}): MaxRateUnderSlo {
  const maxFailedShare = options.maxFailedShare ?? 0.01;
  const points = [...curve.points].sort(comparePoints);
  const key = STAT_KEY[statistic];
  const name = `${curve.llm} on ${curve.gpu} TP ${curve.tp} at ${formatNumber(curve.inputTokens)}/${formatNumber(curve.outputTokens)} tokens`;
  if (points.length === 0) return { kind: 'unknown', rps: undefined, reason: `${name}: the curve has no runs` };
  for (const p of points) {
    for (const metric of ['ttft', 'tpot'] as const) {
      if (p[metric][key] === undefined)
        return {
          kind: 'unknown',
          rps: undefined,
          reason: `${name}: the run at ${formatNumber(p.servedRps)} req/s (${p.source}) has no ${statistic} ${metric.toUpperCase()}`,
        };
    }
  }
  const limits = { ttft: slo.ttftMs, tpot: slo.tpotMs };
  const violations = (p: RateCurvePoint): MaxRateLimit[] => {
    const found: MaxRateLimit[] = [];
    for (const metric of ['ttft', 'tpot'] as const) if (p[metric][key]! > limits[metric]) found.push(metric);
    if (p.failed !== undefined && p.failed / (p.completed + p.failed) > maxFailedShare) found.push('failures');
    return found;
  };
  const describe = (p: RateCurvePoint, limit: MaxRateLimit) =>
    limit === 'failures'
      ? `${p.failed} of ${p.completed + p.failed!} requests failed (more than ${formatNumber(maxFailedShare * 100)}%)`
      : `${statistic} ${limit.toUpperCase()} ${formatNumber(p[limit][key]!)} ms > ${formatNumber(limits[limit])} ms`;

  const first = points.findIndex((p) => violations(p).length > 0);
  if (first === -1) {
    const top = points.at(-1)!;
    return {
      kind: 'lower-bound',
      rps: top.servedRps,
      reason: `${name}: the highest measured load (${formatNumber(top.servedRps)} req/s served, ${top.source}) still meets the SLO; the maximum is at least this`,
    };
  }
  if (first === 0) {
    const low = points[0]!;
    const found = violations(low);
    const what = found.map((l) => describe(low, l)).join('; ');
    return {
      kind: 'violated',
      rps: undefined,
      limitedBy: found[0]!,
      reason: `${name}: even the lowest measured load (${formatNumber(low.servedRps)} req/s served, ${low.source}) violates the SLO: ${what}`,
    };
  }
  const below = points[first - 1]!;
  const above = points[first]!;
  let best: { rps: number; limit: MaxRateLimit } | undefined;
  for (const limit of violations(above)) {
    let rps: number;
    if (limit === 'failures') rps = below.servedRps;
    else {
      const m0 = below[limit][key]!;
      const m1 = above[limit][key]!;
      // m0 <= limit < m1, so the fraction lies in [0, 1).
      rps = below.servedRps + ((limits[limit] - m0) / (m1 - m0)) * (above.servedRps - below.servedRps);
    }
    if (!best || rps < best.rps) best = { rps, limit };
  }
  return {
    kind: 'interpolated',
    rps: best!.rps,
    limitedBy: best!.limit,
    below,
    above,
    reason: `${name}: ${formatNumber(best!.rps)} req/s, between ${formatNumber(below.servedRps)} req/s (${below.source}, meets the SLO) and ${formatNumber(above.servedRps)} req/s (${above.source}: ${describe(above, best!.limit)})`,
  };
}
