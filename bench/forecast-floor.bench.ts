import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DAY_STEPS } from '../src/demand/forecast.js';
import { parseHourlyProfileCsv } from '../src/demand/profile.js';
import { packageRoot } from '../src/paths.js';
import { forecastNext } from '../src/simulate/forecast-next.js';
import { printMarkdown } from './solvers.bench.js';

/**
 * How close any fleet committed an hour ahead can come to the oracle on the default week's demand (each
 * hour's busiest-minute rate, traces/code-week-2024-hourly.csv), as the simulation judges it (a shortfall
 * loses its requests for the whole hour). For each predictor of hour t: the least uniform multiplier k on
 * it that loses at most 0.1% of the week's requests after the first day, and the capacity that provisions:
 * over the actual demand, and over the oracle's (which plans the actual demand with the same utilisation
 * headroom, actual / (1 - headroom): the simulation's "cost vs oracle" yardstick). Predictors that know
 * what an hour-ahead planner cannot (this hour's mean, the next hour) bound what any forecast could reach.
 * The planner's own rule (forecastNext's point, and its upper with the margin it chose) is measured the same
 * way. One series, not the simulation's per-origin split, so the figures are indicative of the noise floor.
 */
const LOSS_BUDGET = 0.001;
const FIRST = DAY_STEPS;

export async function run(): Promise<void> {
  const file = join(packageRoot(), 'traces', 'code-week-2024-hourly.csv');
  const profile = parseHourlyProfileCsv(await readFile(file, 'utf8'), file);
  const peak = profile.peakRequestsPerSec;
  const mean = profile.meanRequestsPerSec;
  const hours = peak.length;
  const starts = Array.from({ length: hours + 1 }, (_, t) => new Date(Date.parse(profile.startUtc) + t * 3_600_000).toISOString());
  // The default scenario's headroom is 0.1: the plan's capacity is upper / 0.9, and it serves up to that.
  const headroom = 0.1;
  const planner = new Map<number, { point: number; upper: number }>();
  for (let t = FIRST; t < hours; t++)
    planner.set(t, forecastNext(peak.slice(0, t), { starts: starts.slice(0, t + 1), absorbed: headroom / (1 - headroom) }));
  const predictors: [string, string, (t: number) => number][] = [
    ["this hour's mean (unknowable)", 'no', (t) => mean[t]!],
    ['mean of the previous and next hour (unknowable)', 'no', (t) => (peak[t - 1]! + peak[(t + 1) % hours]!) / 2],
    ['the last hour', 'yes', (t) => peak[t - 1]!],
    ["the planner's point forecast", 'yes', (t) => planner.get(t)!.point],
  ];
  const actual = peak.slice(FIRST).reduce((a, b) => a + b, 0);
  const rows = predictors.map(([name, available, predict]) => {
    const k = leastMultiplier(peak, predict);
    const provisioned = peak.reduce((sum, _, t) => (t >= FIRST ? sum + k * predict(t) : sum), 0);
    return [
      name,
      available,
      k.toFixed(3),
      pct(provisioned / actual - 1),
      pct((provisioned / actual) * (1 - headroom) - 1),
      `${(LOSS_BUDGET * 100).toFixed(1)}%`,
    ];
  });
  // The planner's upper forecast as it is (its own margins, no uniform multiplier).
  let provisioned = 0;
  let lost = 0;
  for (let t = FIRST; t < hours; t++) {
    const capacity = planner.get(t)!.upper / (1 - headroom);
    provisioned += capacity;
    lost += Math.max(0, peak[t]! - capacity);
  }
  rows.push([
    `the planner's upper forecast (its own margins; headroom ${headroom})`,
    'yes',
    '-',
    pct(provisioned / actual - 1),
    pct((provisioned / actual) * (1 - headroom) - 1),
    `${((lost / actual) * 100).toFixed(2)}%`,
  ]);
  printMarkdown(
    ['predictor of hour t', 'known an hour ahead', 'uniform multiplier', 'capacity over actual', 'over the oracle', 'requests lost'],
    rows,
  );
  const ratios = peak.map((p, t) => p / mean[t]!);
  process.stdout.write(
    `\nhours ${FIRST}..${hours - 1} of ${file.replace(`${packageRoot()}/`, '')} (busiest minute per hour); busiest minute / hour mean: ${Math.min(...ratios).toFixed(2)}..${Math.max(...ratios).toFixed(2)}\n`,
  );
}

function pct(value: number): string {
  return `${value >= 0 ? '+' : ''}${(value * 100).toFixed(1)}%`;
}

/** The least k with sum over hours of max(0, actual - k x prediction) <= LOSS_BUDGET x sum of actual (bisection). */
function leastMultiplier(actual: readonly number[], predict: (t: number) => number): number {
  const total = actual.reduce((sum, v, t) => (t >= FIRST ? sum + v : sum), 0);
  const lost = (k: number) => actual.reduce((sum, v, t) => (t >= FIRST ? sum + Math.max(0, v - k * predict(t)) : sum), 0);
  let low = 0.5;
  let high = 4;
  for (let i = 0; i < 60; i++) {
    const mid = (low + high) / 2;
    if (lost(mid) <= LOSS_BUDGET * total) high = mid;
    else low = mid;
  }
  return high;
}
