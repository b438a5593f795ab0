import { InputError, type InputIssue } from '../errors.js';

/**
 * From a rate series to a workload's demand per origin region. Traces carry no region: the scenario says
 * where the traffic comes from (origin shares), in which time zone (shift) and how much of it (scale).
 */
export interface WorkloadDemandSpec {
  /** Share of the workload's requests per origin region: each >= 0, summing to 1. */
  originShares: Readonly<Record<string, number>>;
  /** Time-zone shift in hours, positive = later: demand at hour t is the series at hour t - shiftHours. */
  shiftHours?: number;
  /** Multiplies the series (3 = three times the traced traffic). */
  scale?: number;
}

export interface OriginDemand {
  /** Origin regions, sorted by id. */
  origins: readonly string[];
  /** requestsPerSec[origin][window], origins in the order above. */
  requestsPerSec: readonly (readonly number[])[];
}

export type RateStatistic = 'mean' | 'peak' | 'p95';

/** The requests/s series of windows (from windowing a trace or a profile) for one statistic. */
export function rateSeries(
  windows: readonly { meanRequestsPerSec: number; peakRequestsPerSec: number; p95RequestsPerSec?: number }[],
  statistic: RateStatistic,
): number[] {
  return windows.map((w) =>
    statistic === 'mean'
      ? w.meanRequestsPerSec
      : statistic === 'peak'
        ? w.peakRequestsPerSec
        : (w.p95RequestsPerSec ?? w.peakRequestsPerSec),
  );
}

/**
 * demand[origin][window] = series[window - shift] x scale x share[origin]. The shift is cyclic: the series
 * is one period (a day or a week of traffic), so hours shifted past its end re-enter at its start.
 * `field` prefixes the names in error messages (e.g. `workloads.0.demand`).
 */
export function workloadDemand(
  requestsPerSec: readonly number[],
  windowSec: number,
  spec: WorkloadDemandSpec,
  field = 'demand',
): OriginDemand {
  const issues: InputIssue[] = [];
  const scale = spec.scale ?? 1;
  const shiftHours = spec.shiftHours ?? 0;
  const origins = Object.keys(spec.originShares).sort();
  if (origins.length === 0)
    issues.push({ field: `${field}.origins`, message: 'no origin regions', fix: 'give at least one origin with share 1' });
  for (const origin of origins) {
    const share = spec.originShares[origin]!;
    if (!Number.isFinite(share) || share < 0)
      issues.push({ field: `${field}.origins.${origin}`, message: `share ${share} is not a fraction >= 0` });
  }
  const total = origins.reduce((sum, origin) => sum + spec.originShares[origin]!, 0);
  if (origins.length > 0 && Math.abs(total - 1) > 1e-6) {
    issues.push({
      field: `${field}.origins`,
      message: `origin shares sum to ${Number(total.toFixed(6))}`,
      fix: 'make the shares sum to 1',
    });
  }
  if (!Number.isFinite(scale) || scale < 0) issues.push({ field: `${field}.scale`, message: `scale ${scale} is not a number >= 0` });
  const shiftWindows = (shiftHours * 3600) / windowSec;
  if (!Number.isInteger(shiftWindows)) {
    issues.push({
      field: `${field}.shiftHours`,
      message: `a shift of ${shiftHours} h is not a whole number of ${windowSec} s windows`,
      fix: 'shift by whole windows',
    });
  }
  if (issues.length > 0) throw new InputError(issues);
  const shifted = shiftSeries(requestsPerSec, shiftWindows);
  return { origins, requestsPerSec: origins.map((origin) => shifted.map((rate) => rate * scale * spec.originShares[origin]!)) };
}

/** values moved `steps` later (negative: earlier), cyclically. */
export function shiftSeries(values: readonly number[], steps: number): number[] {
  const n = values.length;
  if (n === 0) return [];
  return values.map((_, t) => values[(((t - steps) % n) + n) % n]!);
}
