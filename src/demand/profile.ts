import { InputError, type InputIssue, quoteExcerpt } from '../errors.js';
import { readCsvRecords } from '../csv-records.js';
import { isTraceHeader } from './trace.js';
import { formatUtc, parseTimestampText } from './timestamp.js';
import { maxOf, minOf } from '../extremes.js';

/**
 * Hourly demand profiles: one row per consecutive UTC hour with the mean request rate and the lowest and
 * highest per-minute rate within the hour. Two units are read: requests per minute (the shared
 * azure2024_code_week_hourly.csv) and requests per second (traces/code-week-2024-hourly.csv).
 */
export interface HourlyProfile {
  startUtc: string;
  meanRequestsPerSec: readonly number[];
  /** Lowest per-minute rate within each hour (the mean when the file has no low column). */
  lowRequestsPerSec: readonly number[];
  /** Highest per-minute rate within each hour (the mean when the file has no high column). */
  peakRequestsPerSec: readonly number[];
}

const HOUR_MS = 3_600_000;
const UNITS = [
  { prefix: 'requests_per_minute_', toPerSec: 1 / 60 },
  { prefix: 'requests_per_sec_', toPerSec: 1 },
] as const;

/** True for a profile header: hour_start_utc and requests_per_{minute,sec}_mean (CSV quoting allowed). */
export function isHourlyProfileHeader(line: string): boolean {
  const read = readCsvRecords(line, 'header', { trim: true });
  return 'records' in read && profileColumns(read.records[0]?.record ?? []) !== undefined;
}

function profileColumns(
  header: readonly string[],
): { hour: number; mean: number; low: number; high: number; toPerSec: number } | undefined {
  const names = header.map((name) => name.trim().toLowerCase());
  const hour = names.indexOf('hour_start_utc');
  for (const unit of UNITS) {
    const mean = names.indexOf(`${unit.prefix}mean`);
    if (hour >= 0 && mean >= 0)
      return { hour, mean, low: names.indexOf(`${unit.prefix}low`), high: names.indexOf(`${unit.prefix}high`), toPerSec: unit.toPerSec };
  }
  return undefined;
}

/**
 * Reads a profile (CSV through csv-parse: RFC 4180 quotes, BOM, CRLF); rates must be >= 0 with
 * low <= mean <= high, and hours consecutive from the first.
 */
export function parseHourlyProfileCsv(text: string, file = 'profile'): HourlyProfile {
  const read = readCsvRecords(text, file, { trim: true });
  if ('issue' in read) throw new InputError(read.issue, `${file}: invalid hourly profile`);
  const records = read.records;
  const header = records[0]?.record ?? [];
  const columns = profileColumns(header);
  if (!columns) {
    const shown = header.join(',');
    throw new InputError({
      file,
      line: 1,
      field: 'header',
      message: `'${quoteExcerpt(shown, 40)}' is not an hourly profile header`,
      fix: isTraceHeader(shown)
        ? 'this is a request trace: name it as demand.trace (planner derives the hourly profile and the request mix from it), or write a profile with planner demand FILE --write-profile P'
        : 'use hour_start_utc,requests_per_minute_mean,requests_per_minute_low,requests_per_minute_high (or requests_per_sec_*)',
    });
  }
  const issues: InputIssue[] = [];
  const mean: number[] = [];
  const low: number[] = [];
  const high: number[] = [];
  let startMs = NaN;
  // Data rows seen, good or bad, so one bad hour does not make every later hour look misplaced.
  let row = -1;
  for (const { record: cells, info } of records.slice(1)) {
    if (issues.length >= 20) break;
    const line = info.lines;
    if (cells.every((cell) => cell === '')) continue;
    row++;
    const hourMs = parseTimestampText(cells[columns.hour] ?? '');
    if (Number.isNaN(startMs) && !Number.isNaN(hourMs)) startMs = hourMs - row * HOUR_MS;
    const expectedMs = startMs + row * HOUR_MS;
    if (Number.isNaN(hourMs) || hourMs % HOUR_MS !== 0) {
      issues.push({
        file,
        line,
        field: 'hour_start_utc',
        message: `'${cells[columns.hour] ?? ''}' is not the start of a UTC hour`,
        fix: 'e.g. 2024-05-10T00:00:00Z',
      });
      continue;
    }
    if (hourMs !== expectedMs) {
      issues.push({
        file,
        line,
        field: 'hour_start_utc',
        message: `expected ${formatUtc(expectedMs)} (hours must be consecutive), found ${cells[columns.hour]}`,
        fix: 'one row per hour, in order, with no gaps',
      });
      continue;
    }
    const rate = (column: number, name: string): number | undefined => {
      if (column < 0) return undefined;
      const value = Number(cells[column]);
      if (cells[column] === undefined || cells[column] === '' || !Number.isFinite(value) || value < 0) {
        issues.push({ file, line, field: name, message: `'${cells[column] ?? ''}' is not a rate >= 0` });
        return NaN;
      }
      return value * columns.toPerSec;
    };
    const meanRate = rate(columns.mean, 'mean')!;
    const lowRate = rate(columns.low, 'low') ?? meanRate;
    const highRate = rate(columns.high, 'high') ?? meanRate;
    if (lowRate > meanRate * (1 + 1e-9) || meanRate > highRate * (1 + 1e-9)) {
      issues.push({
        file,
        line,
        message: `low ${lowRate}, mean ${meanRate}, high ${highRate} req/s are not in order`,
        fix: 'low <= mean <= high',
      });
    }
    mean.push(meanRate);
    low.push(lowRate);
    high.push(highRate);
  }
  if (issues.length === 0 && mean.length === 0) issues.push({ file, message: 'no hours', fix: 'add one row per hour under the header' });
  if (issues.length > 0) throw new InputError(issues, `${file}: invalid hourly profile`);
  return { startUtc: formatUtc(startMs), meanRequestsPerSec: mean, lowRequestsPerSec: low, peakRequestsPerSec: high };
}

/** The profile in requests per second (traces/code-week-2024-hourly.csv). */
export function hourlyProfileToCsv(profile: HourlyProfile, decimals = 3): string {
  const startMs = Date.parse(profile.startUtc);
  const rows = profile.meanRequestsPerSec.map((mean, h) =>
    [
      formatUtc(startMs + h * HOUR_MS).replace('.000Z', 'Z'),
      mean.toFixed(decimals),
      profile.lowRequestsPerSec[h]!.toFixed(decimals),
      profile.peakRequestsPerSec[h]!.toFixed(decimals),
    ].join(','),
  );
  return `${['hour_start_utc,requests_per_sec_mean,requests_per_sec_low,requests_per_sec_high', ...rows].join('\n')}\n`;
}

export interface ProfileWindow {
  startUtc: string;
  windowSec: number;
  /** Mean over the window's hours. */
  meanRequestsPerSec: number;
  lowRequestsPerSec: number;
  peakRequestsPerSec: number;
}

export interface ProfileSummary {
  hours: number;
  startUtc: string;
  /** Start of the hour after the last. */
  endUtc: string;
  /** Sum over hours of the mean rate x 3600. */
  requests: number;
  meanRequestsPerSec: number;
  minHourlyMeanRequestsPerSec: number;
  maxHourlyMeanRequestsPerSec: number;
  peakRequestsPerSec: number;
}

export function summarizeProfile(profile: HourlyProfile): ProfileSummary {
  const hours = profile.meanRequestsPerSec.length;
  const total = profile.meanRequestsPerSec.reduce((a, b) => a + b, 0);
  return {
    hours,
    startUtc: profile.startUtc,
    endUtc: formatUtc(Date.parse(profile.startUtc) + hours * HOUR_MS),
    requests: total * 3600,
    meanRequestsPerSec: total / hours,
    minHourlyMeanRequestsPerSec: minOf(profile.meanRequestsPerSec),
    maxHourlyMeanRequestsPerSec: maxOf(profile.meanRequestsPerSec),
    peakRequestsPerSec: maxOf(profile.peakRequestsPerSec),
  };
}

/** Hours grouped into windows of a whole number of hours (the last may be shorter). */
export function windowProfile(profile: HourlyProfile, windowSec: number, field = '--window'): ProfileWindow[] {
  if (windowSec % 3600 !== 0) {
    throw new InputError({
      field,
      message: `an hourly profile cannot be split into ${windowSec} s windows`,
      fix: 'use --window 1h or a multiple of an hour',
    });
  }
  const hoursPerWindow = windowSec / 3600;
  const startMs = Date.parse(profile.startUtc);
  const windows: ProfileWindow[] = [];
  for (let first = 0; first < profile.meanRequestsPerSec.length; first += hoursPerWindow) {
    const mean = profile.meanRequestsPerSec.slice(first, first + hoursPerWindow);
    windows.push({
      startUtc: formatUtc(startMs + first * HOUR_MS),
      windowSec: mean.length * 3600,
      meanRequestsPerSec: mean.reduce((a, b) => a + b, 0) / mean.length,
      lowRequestsPerSec: minOf(profile.lowRequestsPerSec.slice(first, first + hoursPerWindow)),
      peakRequestsPerSec: maxOf(profile.peakRequestsPerSec.slice(first, first + hoursPerWindow)),
    });
  }
  return windows;
}
