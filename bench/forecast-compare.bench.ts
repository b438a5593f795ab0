import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DAY_STEPS, holtWintersForecast, mape } from '../src/demand/forecast.js';
import { parseHourlyProfileCsv } from '../src/demand/profile.js';
import { packageRoot } from '../src/paths.js';
import { forecastNext, type NextForecastOptions } from '../src/simulate/forecast-next.js';
import { printMarkdown } from './solvers.bench.js';

/**
 * Hour-ahead forecasters compared as the simulation uses them: at every hour t, forecast hour t from hours
 * before t only, provision for the upper forecast, lose what the actual exceeds it by. Everything a method
 * chooses (the planner rule's constants, a quantile margin's level and window) is chosen on the tuning
 * hours and judged on the test hours, which no choice saw. Holt-Winters refits its parameters on the
 * history it is given at each hour, so it never sees the hour it forecasts either.
 *
 * Columns: MAPE of the point forecast; the least uniform multiplier on the point that loses at most the
 * loss budget on the test hours (in hindsight: what a margin must be, known only afterwards) and the
 * capacity it provisions over the actual; the online upper forecast's loss and capacity over actual.
 */
const LOSS_BUDGET = 0.001;
const TUNE = { from: 48, to: 96 };
const TEST = { from: 96, to: 168 };
const QUANTILES = [0.8, 0.9, 0.95, 0.99, 1];
const ERROR_WINDOWS = [12, 24, 48];

type Point = (history: readonly number[], t: number) => number;

interface Scored {
  lostShare: number;
  overActual: number;
}

export async function run(): Promise<void> {
  const file = join(packageRoot(), 'traces', 'code-week-2024-hourly.csv');
  const profile = parseHourlyProfileCsv(await readFile(file, 'utf8'), file);
  const starts = Array.from({ length: profile.peakRequestsPerSec.length + 1 }, (_, t) =>
    new Date(Date.parse(profile.startUtc) + t * 3_600_000).toISOString(),
  );
  for (const [label, series] of [
    ['busiest minute per hour (what the simulation judges)', profile.peakRequestsPerSec],
    ['hourly mean', profile.meanRequestsPerSec],
  ] as const) {
    process.stdout.write(`\n### ${label}\n\n`);
    printMarkdown(
      [
        'forecaster',
        'chosen on tuning hours',
        'MAPE',
        'multiplier for the budget',
        'its capacity over actual',
        'online upper: lost',
        'capacity over actual',
      ],
      compare(series, starts),
    );
  }
  process.stdout.write(
    `\n${file.replace(`${packageRoot()}/`, '')}: tuning hours ${TUNE.from}..${TUNE.to - 1} (Sun-Mon), test hours ${TEST.from}..${TEST.to - 1} (Tue-Thu); loss budget ${(LOSS_BUDGET * 100).toFixed(1)}% of the test hours' requests. One week of hourly data: weekly seasonality cannot be fitted or tested.\n`,
  );
}

function compare(series: readonly number[], starts: readonly string[]): string[][] {
  const sameHourYesterday: Point = (h, t) => h[t - DAY_STEPS]!;
  const sameDayType: Point = (h, t) => {
    const weekend = (s: number) => [0, 6].includes(new Date(starts[s]!).getUTCDay());
    for (let back = DAY_STEPS; t - back >= 0; back += DAY_STEPS) if (weekend(t - back) === weekend(t)) return h[t - back]!;
    return h[t - DAY_STEPS]!;
  };
  const lastHour: Point = (h, t) => h[t - 1]!;
  const holtWinters: Point = (h, t) => holtWintersForecast(h.slice(0, t), 1, { startUtc: starts[0] }).point[0]!;
  const ruleOf =
    (options: NextForecastOptions): Point =>
    (h, t) =>
      forecastNext(h.slice(0, t), { ...options, starts: starts.slice(0, t + 1) }).point;
  const rows: string[][] = [];
  const add = (name: string, point: Point, chosenUpper: { upper: (t: number) => number; note: string }) => {
    const predictions = memo((t) => point(series, t));
    const k = leastMultiplier(series, predictions, TEST);
    const test = range(TEST);
    rows.push([
      name,
      chosenUpper.note,
      pct(
        mape(
          test.map((t) => series[t]!),
          test.map(predictions),
        ),
        false,
      ),
      k.toFixed(3),
      pct(provisionedOver(series, (t) => k * predictions(t), TEST)),
      pct(score(series, chosenUpper.upper, TEST).lostShare, false, 2),
      pct(score(series, chosenUpper.upper, TEST).overActual),
    ]);
  };
  for (const [name, point] of [
    ['seasonal naive, same hour yesterday', sameHourYesterday],
    ['seasonal naive, same hour on the last day of the same type', sameDayType],
    ['last hour', lastHour],
    ['Holt-Winters, daily cycles by weekday/weekend, refitted hourly', holtWinters],
    ['the larger of Holt-Winters and the last hour', (h: readonly number[], t: number) => Math.max(holtWinters(h, t), lastHour(h, t))],
  ] as const) {
    const predictions = memo((t) => point(series, t));
    add(name, point, quantileMargin(series, predictions));
  }
  // The planner's rule: shipped constants, and constants re-chosen on the tuning hours alone.
  const shipped = ruleOf({});
  const shippedUpper = memo((t) => forecastNext(series.slice(0, t), { starts: starts.slice(0, t + 1) }).upper);
  add("planner's rule, shipped constants, its own margins", shipped, { upper: shippedUpper, note: '- (fixed)' });
  const shippedPoint = memo((t) => shipped(series, t));
  add("planner's rule, shipped constants, quantile margin", shipped, quantileMargin(series, shippedPoint));
  const tuned = tuneRule(series, starts);
  add(`planner's rule, constants chosen on tuning hours, its own margins`, ruleOf(tuned.options), {
    upper: memo((t) => forecastNext(series.slice(0, t), { ...tuned.options, starts: starts.slice(0, t + 1) }).upper),
    note: tuned.note,
  });
  return rows;
}

/** upper = point x (1 + the q-quantile of the relative misses over the last W hours), q and W chosen on the tuning hours. */
function quantileMargin(series: readonly number[], point: (t: number) => number): { upper: (t: number) => number; note: string } {
  const upperOf = (q: number, window: number) =>
    memo((t) => {
      const misses: number[] = [];
      for (let s = Math.max(0, t - window); s < t; s++) {
        const p = safe(point, s);
        if (p !== undefined && p > 0) misses.push(series[s]! / p - 1);
      }
      if (misses.length < 6) return point(t) * 1.25;
      misses.sort((a, b) => a - b);
      const margin = misses[Math.min(misses.length - 1, Math.ceil(q * misses.length) - 1)]!;
      return point(t) * (1 + Math.max(0, margin));
    });
  let best: { q: number; window: number; scored: Scored } | undefined;
  for (const q of QUANTILES)
    for (const window of ERROR_WINDOWS) {
      const scored = score(series, upperOf(q, window), TUNE);
      if (!best || better(scored, best.scored)) best = { q, window, scored };
    }
  return { upper: upperOf(best!.q, best!.window), note: `q ${best!.q}, last ${best!.window} h` };
}

/** The planner rule's constants by grid search on the tuning hours (least capacity within the loss budget). */
function tuneRule(series: readonly number[], starts: readonly string[]): { options: NextForecastOptions; note: string } {
  let best: { options: NextForecastOptions; scored: Scored } | undefined;
  for (const levelHours of [1, 2, 3, 4, 6])
    for (const marginDays of [1, 2, 3])
      for (const marginHours of [0, 1, 2])
        for (const recentHours of [0, 3, 6, 12]) {
          const options = { levelHours, marginDays, marginHours, recentHours };
          const upper = (t: number) => forecastNext(series.slice(0, t), { ...options, starts: starts.slice(0, t + 1) }).upper;
          const scored = score(series, upper, TUNE);
          if (!best || better(scored, best.scored)) best = { options, scored };
        }
  const o = best!.options;
  return { options: o, note: `level ${o.levelHours} h, ${o.marginDays} d +-${o.marginHours} h, recent ${o.recentHours} h` };
}

/** Within the budget beats over it; then less capacity (within) or less loss (over). */
function better(a: Scored, b: Scored): boolean {
  const aOk = a.lostShare <= LOSS_BUDGET;
  const bOk = b.lostShare <= LOSS_BUDGET;
  if (aOk !== bOk) return aOk;
  return aOk ? a.overActual < b.overActual : a.lostShare < b.lostShare;
}

function score(series: readonly number[], upper: (t: number) => number, span: { from: number; to: number }): Scored {
  let actual = 0;
  let lost = 0;
  let provisioned = 0;
  for (const t of range(span)) {
    const capacity = upper(t);
    actual += series[t]!;
    provisioned += capacity;
    lost += Math.max(0, series[t]! - capacity);
  }
  return { lostShare: lost / actual, overActual: provisioned / actual - 1 };
}

function provisionedOver(series: readonly number[], capacity: (t: number) => number, span: { from: number; to: number }): number {
  return range(span).reduce((sum, t) => sum + capacity(t), 0) / range(span).reduce((sum, t) => sum + series[t]!, 0) - 1;
}

/** The least k with the test hours' loss under k x prediction within the budget (bisection). */
function leastMultiplier(series: readonly number[], predict: (t: number) => number, span: { from: number; to: number }): number {
  let low = 0.5;
  let high = 4;
  for (let i = 0; i < 60; i++) {
    const mid = (low + high) / 2;
    if (score(series, (t) => mid * predict(t), span).lostShare <= LOSS_BUDGET) high = mid;
    else low = mid;
  }
  return high;
}

function range({ from, to }: { from: number; to: number }): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}

function memo(f: (t: number) => number): (t: number) => number {
  const cache = new Map<number, number>();
  return (t) => {
    let value = cache.get(t);
    if (value === undefined) {
      value = f(t);
      cache.set(t, value);
    }
    return value;
  };
}

/** A forecaster's value at s, or undefined where it has too little history (it throws or reads before 0). */
function safe(point: (t: number) => number, s: number): number | undefined {
  try {
    const value = point(s);
    return Number.isFinite(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function pct(value: number, signed = true, decimals = 1): string {
  return `${signed && value >= 0 ? '+' : ''}${(value * 100).toFixed(decimals)}%`;
}
