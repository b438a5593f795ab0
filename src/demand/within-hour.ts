import { InputError, type InputIssue } from '../errors.js';
import { readCsvRecords } from '../csv-records.js';
import { percentileOfSorted } from './stats.js';

/**
 * Demand within a window: each window's per-minute mean, lowest and highest rate, and a normalised
 * within-hour shape (sorted minute rate / hour mean) that turns those three numbers into a plausible minute
 * profile. The evaluation bounds and estimates what a fleet serves minute by minute from them
 * (src/simulate/within-hour.ts, docs/simulate.md#within-hour-demand).
 */

/** Per-minute statistics of each window, [workload][origin][window], requests/s (the rates of `demand`). */
export interface WithinWindowDemand {
  mean: readonly (readonly (readonly number[])[])[];
  /** Lowest minute (0 where the source does not say: the only value then known to be a bound). */
  low: readonly (readonly (readonly number[])[])[];
  high: readonly (readonly (readonly number[])[])[];
  /** Per workload, the statistic `demand` holds: what its plans provision for. */
  provisionedFor: readonly ProvisionStatistic[];
}

export type ProvisionStatistic = 'peak' | 'mean' | 'p95-minute';

/** Minutes of an hour, sorted, as minute rate / the hour's mean rate. */
export interface WithinHourShape {
  name: string;
  ratios: readonly number[];
}

export const SHAPE_MINUTES = 60;
/** The point estimate dispatches the shaped hour as this many groups of sorted minutes (binMeans). */
export const SHAPE_BINS = 12;

/**
 * Reads a shape file: a `rank` column 1..60 and one column per shape of sorted minute / hour-mean ratios
 * (traces/within-hour-shape.csv). Ratios must be >= 0 and non-decreasing.
 */
export function parseWithinHourShapeCsv(text: string, file = 'shape'): WithinHourShape[] {
  const read = readCsvRecords(text, file, { trim: true });
  if ('issue' in read) throw new InputError(read.issue, `${file}: invalid within-hour shape`);
  const [head, ...rows] = read.records;
  const header = head?.record ?? [];
  if (header[0] !== 'rank' || header.length < 2)
    throw new InputError({
      file,
      line: 1,
      field: 'header',
      message: 'not a within-hour shape header',
      fix: 'rank,<shape>,... (one column per shape)',
    });
  const issues: InputIssue[] = [];
  const shapes = header.slice(1).map((name) => ({ name, ratios: [] as number[] }));
  for (const { record, info } of rows) {
    if (record.every((cell) => cell === '')) continue;
    if (Number(record[0]) !== shapes[0]!.ratios.length + 1)
      issues.push({ file, line: info.lines, field: 'rank', message: `'${record[0] ?? ''}' is not rank ${shapes[0]!.ratios.length + 1}` });
    shapes.forEach((shape, s) => {
      const value = Number(record[s + 1]);
      const previous = shape.ratios[shape.ratios.length - 1] ?? 0;
      if (record[s + 1] === undefined || record[s + 1] === '' || !Number.isFinite(value) || value < previous)
        issues.push({
          file,
          line: info.lines,
          field: shape.name,
          message: `'${record[s + 1] ?? ''}' is not a ratio >= ${previous}`,
          fix: 'sorted ratios >= 0',
        });
      shape.ratios.push(value);
    });
  }
  if (issues.length === 0 && shapes[0]!.ratios.length !== SHAPE_MINUTES)
    issues.push({ file, message: `${shapes[0]!.ratios.length} ranks`, fix: `one row per minute of an hour (${SHAPE_MINUTES})` });
  if (issues.length > 0) throw new InputError(issues.slice(0, 20), `${file}: invalid within-hour shape`);
  return shapes;
}

export function withinHourShapeToCsv(shapes: readonly WithinHourShape[], decimals = 4): string {
  const rows = Array.from({ length: SHAPE_MINUTES }, (_, i) =>
    [String(i + 1), ...shapes.map((s) => s.ratios[i]!.toFixed(decimals))].join(','),
  );
  return `${['rank', ...shapes.map((s) => s.name)].join(',')}\n${rows.join('\n')}\n`;
}

/**
 * The shape's minutes for one window with lowest minute `low`, mean `mean` and highest `high`: sorted rates
 * whose min, mean and max are exactly those. Monotone in the shape's ranks: minute i is
 * low + (high - low) z_i^k, z the shape rescaled to [0, 1], k chosen so the mean comes out right (then a
 * last proportional correction of the inner minutes where k alone cannot reach it, e.g. a shape with many
 * empty minutes and a mean near the high).
 */
export function shapedMinutes(shape: WithinHourShape, low: number, mean: number, high: number): number[] {
  const n = shape.ratios.length;
  const span = high - low;
  if (!(span > 1e-12 * Math.max(1, high)) || n < 3) return Array.from({ length: n }, () => mean);
  const first = shape.ratios[0]!;
  const range = shape.ratios[n - 1]! - first;
  const z = shape.ratios.map((r) => (range > 0 ? (r - first) / range : 0.5));
  const target = Math.min(1, Math.max(0, (mean - low) / span));
  const meanAt = (k: number) => z.reduce((sum, v) => sum + v ** k, 0) / n;
  // mean(z^k) falls as k grows: bisect on ln k.
  let lo = -12;
  let hi = 12;
  for (let i = 0; i < 80; i++) {
    const mid = (lo + hi) / 2;
    if (meanAt(Math.exp(mid)) > target) lo = mid;
    else hi = mid;
  }
  const k = Math.exp((lo + hi) / 2);
  const g = z.map((v) => v ** k);
  // The first minute stays at the low and the last at the high; the others take what the mean still needs
  // (clamped when no 60-minute sequence has these statistics, e.g. a mean within (high - low) / 60 of the low).
  const inner = g.slice(1, n - 1);
  const need = Math.min(1, Math.max(0, (n * target - 1) / (n - 2)));
  const got = inner.reduce((a, b) => a + b, 0) / inner.length;
  const fixed =
    got > need ? inner.map((v) => (v * need) / got) : got < need ? inner.map((v) => 1 - ((1 - v) * (1 - need)) / (1 - got)) : inner;
  return [0, ...fixed, 1].map((v) => low + span * v);
}

/**
 * The sorted minutes as SHAPE_BINS groups, each its mean and share of the minutes: the lowest and the
 * highest minute alone, the others in equal runs. Replacing each run by its mean keeps the window's low,
 * mean and high, so the grouped hour is itself a minute sequence with those statistics.
 */
export function binMeans(minutes: readonly number[], bins = SHAPE_BINS): { value: number; weight: number }[] {
  const n = minutes.length;
  if (n <= bins) return minutes.map((value) => ({ value, weight: 1 / n }));
  const inner = bins - 2;
  const size = (n - 2) / inner;
  const groups = [{ value: minutes[0]!, weight: 1 / n }];
  for (let b = 0; b < inner; b++) {
    const from = 1 + Math.round(b * size);
    const to = 1 + Math.round((b + 1) * size);
    let sum = 0;
    for (let i = from; i < to; i++) sum += minutes[i]!;
    groups.push({ value: sum / (to - from), weight: (to - from) / n });
  }
  groups.push({ value: minutes[n - 1]!, weight: 1 / n });
  return groups;
}

/** The 95th-percentile minute (nearest rank) of the shaped window. */
export function p95Minute(shape: WithinHourShape, low: number, mean: number, high: number): number {
  return percentileOfSorted(shapedMinutes(shape, low, mean, high), 0.95);
}
