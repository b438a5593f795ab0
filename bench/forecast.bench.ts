import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { coverage, holtWintersForecast, mape, seasonalNaiveForecast, type Forecast } from '../src/demand/forecast.js';
import { parseHourlyProfileCsv } from '../src/demand/profile.js';
import { packageRoot } from '../src/paths.js';
import { printMarkdown } from './solvers.bench.js';

/**
 * Forecast accuracy on the 2024 code week (traces/code-week-2024-hourly.csv, hourly mean req/s): train on
 * days 1-5 (Fri 2024-05-10 .. Tue 05-14), forecast days 6-7 (Wed, Thu) 48 hours ahead in one go.
 * MAPE of the point forecast; coverage = share of test hours at or below the upper (p95) forecast;
 * upper / actual = mean over test hours of upper / actual (the over-provisioning it implies).
 */
const TRAIN_HOURS = 5 * 24;
const TEST_HOURS = 2 * 24;

export async function run(): Promise<void> {
  const file = join(packageRoot(), 'traces', 'code-week-2024-hourly.csv');
  const profile = parseHourlyProfileCsv(await readFile(file, 'utf8'), file);
  const series = profile.meanRequestsPerSec;
  const train = series.slice(0, TRAIN_HOURS);
  const test = series.slice(TRAIN_HOURS, TRAIN_HOURS + TEST_HOURS);
  const forecasts: Forecast[] = [
    seasonalNaiveForecast(train, TEST_HOURS),
    holtWintersForecast(train, TEST_HOURS),
    holtWintersForecast(train, TEST_HOURS, { startUtc: profile.startUtc }),
  ];
  const rows = forecasts.map((f) => [
    f.method,
    f.seasonality,
    f.parameters ? `a=${f.parameters.alpha} b=${f.parameters.beta} g=${f.parameters.gamma}` : '-',
    `${(mape(test, f.point) * 100).toFixed(1)}%`,
    `${(coverage(test, f.upper) * 100).toFixed(0)}%`,
    (test.reduce((sum, actual, t) => sum + f.upper[t]! / actual, 0) / test.length).toFixed(2),
  ]);
  printMarkdown(['method', 'seasonality', 'parameters', 'MAPE', 'p95 coverage', 'upper / actual'], rows);
  process.stdout.write(
    `\ntrain ${TRAIN_HOURS} h, test ${TEST_HOURS} h (${test.length} values), from ${file.replace(`${packageRoot()}/`, '')}\n`,
  );
}
